// Resumable media upload (docs/protocol.md "Media"): create with length and SHA-256, ask the
// offset with HEAD, send chunks with PATCH at that offset; the last chunk is checked against the
// SHA-256 and turns the upload into a stored photo.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "tools/platform-sim/sim_server.h"
#include "tools/platform-sim/sim_util.h"

namespace vmeste::sim {

using nlohmann::json;

namespace {
constexpr size_t kMaxPhotoBytes = 16u << 20;

bool is_hex64(const std::string& s) {
    if (s.size() != 64) return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

json upload_json(const Upload& u) {
    return json{
        {"upload", u.id}, {"offset", u.data.size()}, {"length", u.length}, {"complete", false}};
}
}  // namespace

void SimServer::routes_uploads() {
    auto& s = *server_;

    s.Post("/api/v1/uploads",
           guarded("media", [this](const httplib::Request& req, httplib::Response& res) {
               const std::string key = req.get_header_value("Idempotency-Key");
               if (key.empty() || key.size() > 100)
                   return problem(res, 400, "Bad Request", "Idempotency-Key header is required");
               auto j = json::parse(req.body, nullptr, false);
               if (!j.is_object() || !j.contains("length") || !j["length"].is_number_unsigned() ||
                   !j.contains("sha256") || !j["sha256"].is_string() ||
                   !is_hex64(j["sha256"].get<std::string>()))
                   return problem(res, 400, "Bad Request",
                                  "length (bytes) and sha256 (64 hex digits) are required");
               const size_t length = j["length"].get<size_t>();
               const std::string sha = j["sha256"].get<std::string>();
               if (length == 0 || length > kMaxPhotoBytes)
                   return problem(res, 413, "Content Too Large", "a photo is 1 byte to 16 MiB");
               // Already complete: the media id, so a device that lost the last answer moves on.
               if (auto done = store_.find_media("idempotency_key", key)) {
                   if (done->sha256 != sha)
                       return problem(res, 422, "Unprocessable Content",
                                      "Idempotency-Key was used with another photo");
                   res.set_content(json{{"id", done->id},
                                        {"sha256", sha},
                                        {"offset", length},
                                        {"length", length},
                                        {"complete", true}}
                                       .dump(),
                                   "application/json");
                   return;
               }
               std::lock_guard lock(uploads_mu_);
               for (auto& [id, u] : uploads_)
                   if (u.idempotency_key == key) {
                       if (u.sha256 != sha || u.length != length)
                           return problem(res, 422, "Unprocessable Content",
                                          "Idempotency-Key was used with another photo");
                       if (!u.data.empty()) ++resumed_uploads_;
                       res.set_header("Location", "/api/v1/uploads/" + id);
                       res.set_content(upload_json(u).dump(), "application/json");
                       return;
                   }
               Upload u;
               u.id = "UPL-" + random_hex(8);
               u.idempotency_key = key;
               u.sha256 = sha;
               u.length = length;
               res.status = 201;
               res.set_header("Location", "/api/v1/uploads/" + u.id);
               res.set_content(upload_json(u).dump(), "application/json");
               uploads_[u.id] = std::move(u);
           }));

    // GET and HEAD: the offset to resume from (httplib answers HEAD with the GET handler's
    // headers and no body).
    s.Get(R"(/api/v1/uploads/(UPL-[0-9a-f]{16}))",
          [this](const httplib::Request& req, httplib::Response& res) {
              if (!authorised(req))
                  return problem(res, 401, "Unauthorized", "a valid device token is required");
              std::lock_guard lock(uploads_mu_);
              auto it = uploads_.find(req.matches[1]);
              if (it == uploads_.end())
                  return problem(res, 404, "Not Found", "no such upload (expired or finished)");
              res.set_header("Upload-Offset", std::to_string(it->second.data.size()));
              res.set_header("Upload-Length", std::to_string(it->second.length));
              res.set_header("Cache-Control", "no-store");
              res.set_content(upload_json(it->second).dump(), "application/json");
          });

    s.Patch(R"(/api/v1/uploads/(UPL-[0-9a-f]{16}))",
            guarded("upload-chunk", [this](const httplib::Request& req, httplib::Response& res) {
                if (req.get_header_value("Content-Type") != "application/offset+octet-stream")
                    return problem(res, 415, "Unsupported Media Type",
                                   "chunks are application/offset+octet-stream");
                size_t offset = 0;
                try {
                    size_t used = 0;
                    const std::string h = req.get_header_value("Upload-Offset");
                    offset = std::stoull(h, &used);
                    if (used != h.size()) throw std::invalid_argument("offset");
                } catch (...) {
                    return problem(res, 400, "Bad Request", "Upload-Offset header is required");
                }
                std::unique_lock lock(uploads_mu_);
                auto it = uploads_.find(req.matches[1]);
                if (it == uploads_.end())
                    return problem(res, 404, "Not Found", "no such upload (expired or finished)");
                Upload& u = it->second;
                res.set_header("Upload-Length", std::to_string(u.length));
                if (offset != u.data.size()) {
                    res.set_header("Upload-Offset", std::to_string(u.data.size()));
                    return problem(res, 409, "Conflict",
                                   "Upload-Offset does not match; resume from the Upload-Offset "
                                   "header");
                }
                if (u.data.size() + req.body.size() > u.length)
                    return problem(res, 413, "Content Too Large",
                                   "more bytes than the upload's length");
                u.data += req.body;
                upload_bytes_ += static_cast<int64_t>(req.body.size());
                if (u.data.size() < u.length) {
                    res.status = 204;
                    res.set_header("Upload-Offset", std::to_string(u.data.size()));
                    return;
                }
                // The last byte arrived: the checksum decides.
                const std::string got = sha256_hex(u.data);
                if (got != u.sha256) {
                    u.data.clear();  // start again from zero
                    res.set_header("Upload-Offset", "0");
                    return problem(
                        res, 460, "Checksum Mismatch",
                        "the bytes received do not match sha256; the upload restarts at 0");
                }
                Upload done = std::move(u);
                uploads_.erase(it);
                lock.unlock();
                auto stored = store_.find_media("idempotency_key", done.idempotency_key);
                if (!stored) {
                    auto inserted = store_.insert_media({"", done.idempotency_key, got, done.data});
                    if (!inserted)
                        return problem(res, 500, "Internal Server Error", "storage failed");
                    stored = *inserted;
                }
                res.status = 201;
                res.set_header("Upload-Offset", std::to_string(done.length));
                res.set_content(json{{"id", stored->id},
                                     {"sha256", got},
                                     {"offset", done.length},
                                     {"length", done.length},
                                     {"complete", true}}
                                    .dump(),
                                "application/json");
            }));
}

}  // namespace vmeste::sim
