// vmeste-store-probe: an appeal with a contact put into a data directory, and read back the way
// the kiosk reads it, for tests outside this process (tests/packaging/tpm_key_vm_test.sh).
//   vmeste-store-probe write DATA_DIR RECEIPT TEXT NAME PHONE   (the key file, made if new)
//   vmeste-store-probe read DATA_DIR RECEIPT
//   vmeste-store-probe fill DATA_DIR N   N queued appeals, receipts FILL-0001… (a terminal with a
//       queue, for the image's update test: tests/terminal_image/update_test.sh)
//       the key from $CREDENTIALS_DIRECTORY as the service gets it, else the store's own way;
//       prints "appeal: TEXT | NAME | PHONE", exit 1 with the store's message when it does not open
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kiosk/core/appeal_store.h"
#include "kiosk/core/sealed_key.h"

using namespace vmeste;

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (!((mode == "write" && argc == 7) || (mode == "read" && argc == 4) ||
          (mode == "fill" && argc == 4))) {
        std::fputs(
            "usage: vmeste-store-probe write DIR RECEIPT TEXT NAME PHONE | read DIR RECEIPT | "
            "fill DIR N\n",
            stderr);
        return 2;
    }
    core::StoreOptions o;
    o.data_dir = argv[2];
    if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY")) {
        auto key = core::credential_device_key(creds);
        if (!key) {
            std::fprintf(stderr, "probe: %s\n", key.error().message.c_str());
            return 1;
        }
        o.device_key = *key;
    }
    auto store = core::AppealStore::open(o);
    if (!store) {
        std::fprintf(stderr, "probe: %s\n", store.error().message.c_str());
        return 1;
    }
    if (mode == "fill") {
        const int n = std::atoi(argv[3]);
        for (int i = 1; i <= n; ++i) {
            char receipt[32];
            std::snprintf(receipt, sizeof receipt, "FILL-%04d", i);
            core::AcceptRequest r;
            r.appeal = core::Appeal{
                core::new_uuid(),
                receipt,
                "roads.road.pothole",
                "Яма на дороге у дома " + std::to_string(i) + ", нужен ремонт покрытия",
                core::Language::kRu,
                1'790'000'000'000 + i};
            r.contact = core::Contact{"Иван Петров", "+79991234567", ""};
            if (auto a = (*store)->accept(r, 1'790'000'000'000 + i); !a) {
                std::fprintf(stderr, "probe: %s\n", a.error().message.c_str());
                return 1;
            }
        }
        std::printf("filled: %d\n", n);
        return 0;
    }
    if (mode == "write") {
        core::AcceptRequest r;
        r.appeal = core::Appeal{core::new_uuid(),    argv[3],          "roads", argv[4],
                                core::Language::kRu, 1'790'000'000'000};
        r.contact = core::Contact{argv[5], argv[6], ""};
        if (auto a = (*store)->accept(r, 1'790'000'000'000); !a) {
            std::fprintf(stderr, "probe: %s\n", a.error().message.c_str());
            return 1;
        }
        std::printf("written: %s\n", argv[3]);
        return 0;
    }
    auto found = (*store)->find_by_receipt(argv[3]);
    if (!found || !*found) {
        std::fprintf(stderr, "probe: %s\n",
                     found ? "no such receipt" : found.error().message.c_str());
        return 1;
    }
    const auto& a = **found;
    std::printf("appeal: %s | %s | %s\n", a.appeal.text.c_str(),
                a.contact ? a.contact->name.c_str() : "-",
                a.contact ? a.contact->phone.c_str() : "-");
    return 0;
}
