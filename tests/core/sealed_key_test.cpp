// The device key sealed away from the data disk (issue #20, point 7). These run the real
// systemd-creds with its host key, named by $SYSTEMD_CREDENTIAL_SECRET in a temporary directory
// (this machine has no TPM; a "host" key kept elsewhere plays the TPM's part: it is not in the
// data directory). The TPM itself is tested in a VM with swtpm:
// tests/packaging/tpm_key_vm_test.sh.
#include "kiosk/core/sealed_key.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kiosk/core/appeal_store.h"
#include "tests/support/store_fixture.h"
#include "tests/support/temp_dir.h"

using namespace vmeste;
using namespace vmeste::core;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// Every byte of every file under `dir`.
std::string all_bytes(const std::string& dir) {
    std::string out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out += slurp(e.path().string());
    return out;
}

class SealedKey : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "systemd-creds' host key needs root";
        if (::system("systemd-creds --version >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "systemd-creds missing (package systemd)";
        use_secret(secrets.file("host-a.secret"));
        options.with_key = "host";
    }
    void TearDown() override { ::unsetenv("SYSTEMD_CREDENTIAL_SECRET"); }
    // Another machine's TPM: another secret.
    void use_secret(const std::string& path) {
        ::setenv("SYSTEMD_CREDENTIAL_SECRET", path.c_str(), 1);
    }

    std::string key_file() const { return data.file("device.key"); }
    std::string sealed_file() const { return data.file(kSealedKeyFile); }

    std::unique_ptr<AppealStore> store(std::optional<DeviceKey> key = std::nullopt) {
        StoreOptions o = test::store_options(data.path());
        o.device_key = key;
        auto s = AppealStore::open(o);
        EXPECT_TRUE(s) << s.error().message;
        return s ? std::move(s).value() : nullptr;
    }

    test::TempDir data, secrets;
    SealOptions options;
};

}  // namespace

TEST_F(SealedKey, SealingLeavesNoPlaintextKeyAndTheSealedOneOpensTheSameAppeals) {
    auto s = store();
    ASSERT_TRUE(s);
    auto req = test::appeal_request("Р-1", "Сломана скамейка у подъезда 3");
    req.contact = Contact{"Анна Петрова", "+79161234567", ""};
    ASSERT_TRUE(s->accept(req, 1'790'000'000'000));
    s.reset();
    const std::string before = slurp(key_file());
    ASSERT_EQ(before.size(), 32u);
    // A second name for the key's inode: what a disk read block by block would find after.
    ASSERT_EQ(::link(key_file().c_str(), secrets.file("key-inode").c_str()), 0);

    ASSERT_TRUE(seal_device_key(data.path(), options));

    EXPECT_FALSE(fs::exists(key_file())) << "the plaintext key is still in the data directory";
    EXPECT_EQ(slurp(secrets.file("key-inode")), std::string(32, '\0'))
        << "the key's bytes were not overwritten before the name was removed";
    struct stat st {};
    ASSERT_EQ(::stat(sealed_file().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(all_bytes(data.path()).find(before), std::string::npos)
        << "the key's bytes are somewhere in the data directory";

    auto key = unseal_device_key(data.path(), options);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(key->data()), 32), before);
    auto opened = store(*key);
    ASSERT_TRUE(opened);
    auto found = opened->find_by_receipt("Р-1");
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->appeal.text, "Сломана скамейка у подъезда 3");
    ASSERT_TRUE((*found)->contact);
    EXPECT_EQ((*found)->contact->phone, "+79161234567");
}

TEST_F(SealedKey, ASealedDataDirectoryWithoutItsKeyDoesNotOpenAndGetsNoNewKey) {
    store().reset();
    ASSERT_TRUE(seal_device_key(data.path(), options));
    auto s = AppealStore::open(test::store_options(data.path()));
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, ErrorCode::kUnauthorized);
    EXPECT_NE(s.error().message.find("sealed"), std::string::npos) << s.error().message;
    EXPECT_FALSE(fs::exists(key_file()))
        << "a new plaintext key was made beside the sealed one: new appeals would be sealed "
           "under a key the service never sees";
}

TEST_F(SealedKey, TheDataDirectoryCopiedToAnotherMachineOpensNothing) {
    auto s = store();
    auto req = test::appeal_request("Р-2", "Протекает крыша в подъезде 7");
    req.contact = Contact{"Иван Сидоров", "+79031112233", ""};
    ASSERT_TRUE(s->accept(req, 1'790'000'000'000));
    s.reset();
    ASSERT_TRUE(seal_device_key(data.path(), options));

    test::TempDir thief;
    fs::copy(data.path(), thief.path(), fs::copy_options::recursive);
    use_secret(secrets.file("host-b.secret"));  // the other machine's own
    auto key = unseal_device_key(thief.path(), options);
    ASSERT_FALSE(key) << "the sealed key opened with another machine's secret";
    EXPECT_NE(key.error().message.find("does not open"), std::string::npos) << key.error().message;
    EXPECT_FALSE(AppealStore::open(test::store_options(thief.path())));
    const std::string bytes = all_bytes(thief.path());
    for (const char* clear : {"Протекает крыша", "Иван Сидоров", "+79031112233"})
        EXPECT_EQ(bytes.find(clear), std::string::npos) << clear << " is readable on the disk";
}

TEST_F(SealedKey, AFreshInstallIsSealedWithoutAKeyEverOnTheDisk) {
    ASSERT_TRUE(seal_device_key(data.path(), options));
    EXPECT_FALSE(fs::exists(key_file()));
    auto key = unseal_device_key(data.path(), options);
    ASSERT_TRUE(key) << key.error().message;
    auto s = store(*key);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->accept(test::appeal_request("Р-3"), 1'790'000'000'000));
    EXPECT_FALSE(fs::exists(key_file())) << "the store made a plaintext key though given one";
}

TEST_F(SealedKey, SealingTwiceIsRefusedAndUnsealingGivesTheSameKeyBack) {
    store().reset();
    const std::string before = slurp(key_file());
    ASSERT_TRUE(seal_device_key(data.path(), options));
    auto again = seal_device_key(data.path(), options);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
    ASSERT_TRUE(unseal_to_file(data.path(), ::getuid(), ::getgid(), options));
    EXPECT_EQ(slurp(key_file()), before);
    EXPECT_FALSE(fs::exists(sealed_file()));
    EXPECT_TRUE(store()) << "the store does not open with the key given back";
}

TEST_F(SealedKey, ASealThatDoesNotOpenBackLeavesThePlaintextKeyWhereItWas) {
    store().reset();
    const std::string before = slurp(key_file());
    // A "TPM" that seals but cannot open: the check before the plaintext goes must catch it.
    const std::string fake = secrets.file("creds-that-forget");
    std::ofstream(fake) << "#!/bin/sh\n"
                           "case \"$1\" in encrypt) exec systemd-creds \"$@\";; esac\n"
                           "echo 'TPM2 PCR bank invalid or not supported' >&2; exit 1\n";
    ::chmod(fake.c_str(), 0755);
    options.systemd_creds = fake;
    auto r = seal_device_key(data.path(), options);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("PCR bank"), std::string::npos) << r.error().message;
    EXPECT_EQ(slurp(key_file()), before);
    EXPECT_FALSE(fs::exists(sealed_file()));
}

TEST(DeviceKeyCredential, TheServiceCredentialIsTheKeyAndAWrongSizedOneIsRefused) {
    test::TempDir creds;
    auto none = credential_device_key(creds.path());
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    DeviceKey key{};
    for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    std::ofstream(creds.file(kKeyCredentialName), std::ios::binary)
        .write(reinterpret_cast<const char*>(key.data()), key.size());
    auto got = credential_device_key(creds.path());
    ASSERT_TRUE(got && *got);
    EXPECT_EQ(**got, key);
    std::ofstream(creds.file(kKeyCredentialName), std::ios::binary | std::ios::trunc) << "short";
    auto bad = credential_device_key(creds.path());
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kCorrupt);
}
