// The running build's GNU build-id (build_id.hpp), read from the loaded object's program headers.
#include "core/build_id.hpp"

#include <cstdint>
#include <cstring>

#include <elf.h>
#include <link.h>

namespace nnsim {
namespace {

struct Search {
    uintptr_t address;  ///< an address inside nnsim's code
    std::string id;
};

/// The NT_GNU_BUILD_ID note among the PT_NOTE segments of one loaded object, in hex.
std::string note_id(const dl_phdr_info* info) {
    static const char kHex[] = "0123456789abcdef";
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE) continue;
        const char* p = reinterpret_cast<const char*>(info->dlpi_addr + ph.p_vaddr);
        const char* const end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto* nh = reinterpret_cast<const ElfW(Nhdr)*>(p);
            const char* name = p + sizeof(ElfW(Nhdr));
            const char* desc = name + ((nh->n_namesz + 3) & ~3u);
            if (desc + nh->n_descsz > end) break;
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
                std::string hex;
                for (uint32_t k = 0; k < nh->n_descsz; ++k) {
                    const auto b = static_cast<unsigned char>(desc[k]);
                    hex += kHex[b >> 4];
                    hex += kHex[b & 15];
                }
                return hex;
            }
            p = desc + ((nh->n_descsz + 3) & ~3u);
        }
    }
    return "";
}

int visit(dl_phdr_info* info, size_t, void* data) {
    auto* s = static_cast<Search*>(data);
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        const uintptr_t lo = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && s->address >= lo && s->address < lo + ph.p_memsz) {
            s->id = note_id(info);
            return 1;  // the object holding nnsim's code: stop
        }
    }
    return 0;
}

}  // namespace

const std::string& build_id() {
    static const std::string id = [] {
        Search s{reinterpret_cast<uintptr_t>(&note_id), {}};
        dl_iterate_phdr(visit, &s);
        return s.id;
    }();
    return id;
}

}  // namespace nnsim
