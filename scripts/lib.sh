# Shared by scripts/test, scripts/demo and scripts/screenshots. Sourced, not run.

# at_exit COMMAND: run COMMAND when the calling script exits (after the ones added before it);
# $VMESTE_EXIT_RC holds the script's exit status by then.
VMESTE_EXIT_HOOKS=()
at_exit() {
  VMESTE_EXIT_HOOKS+=("$1")
  trap 'VMESTE_EXIT_RC=$?; for vmeste_hook in "${VMESTE_EXIT_HOOKS[@]}"; do eval "$vmeste_hook"; done' EXIT
}

# ensure_display: if there is no X display, start Xvfb on a free display number (large enough for
# both orientations at 1080p) and export DISPLAY; it is stopped when the calling script exits.
ensure_display() {
  if [[ -n "${DISPLAY:-}" ]]; then return 0; fi
  local n
  for n in $(seq 99 140); do
    [[ -e /tmp/.X11-unix/X$n || -e /tmp/.X$n-lock ]] && continue
    Xvfb ":$n" -screen 0 1920x1920x24 -nolisten tcp >/dev/null 2>&1 &
    VMESTE_XVFB_PID=$!
    local i
    for i in $(seq 1 100); do
      [[ -e /tmp/.X11-unix/X$n ]] && break
      sleep 0.05
    done
    if kill -0 "$VMESTE_XVFB_PID" 2>/dev/null && [[ -e /tmp/.X11-unix/X$n ]]; then
      export DISPLAY=":$n"
      at_exit 'kill "$VMESTE_XVFB_PID" 2>/dev/null || true'
      echo "started Xvfb on $DISPLAY"
      return 0
    fi
  done
  echo "could not start Xvfb" >&2
  return 1
}

# ccache shares objects between clones of the repository (CI builds a fresh clone each time):
# paths under the source tree are hashed relative to it, and the working directory is not hashed.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(pwd)}"
export CCACHE_NOHASHDIR=true

# build PRESET: configure (once) and build with every core.
build() {
  local preset=$1
  [[ -f "build/$preset/CMakeCache.txt" ]] || cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j"$(nproc)"
}
