# vmeste_embed(TARGET NAME FILE SYMBOL): compiles FILE's bytes into TARGET as
# `std::string_view SYMBOL()`, so bundled data (string catalogs, the default category catalogue)
# can never be missing or out of step with the binary that reads it.
function(vmeste_embed target file symbol)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${symbol}.cpp")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DIN=${file} -DOUT=${out} -DSYMBOL=${symbol}
            -P "${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake"
    DEPENDS "${file}" "${PROJECT_SOURCE_DIR}/cmake/EmbedFile.cmake"
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE "${out}")
endfunction()
