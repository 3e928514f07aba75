// HDF5 reading through the C API (see hdf5_file.hpp). HDF5's automatic error printing is disabled;
// every failure is turned into a UserError that names the file and the object.
#include "core/hdf5_file.hpp"

#include <hdf5.h>

#include <filesystem>

#include "core/diag.hpp"
#include "core/library_crash.hpp"

namespace nnsim {
namespace {

/// Silence HDF5's default error stack printing once per process.
void silence_hdf5() {
    static const bool done = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
        return true;
    }();
    (void)done;
}

/// Closes an HDF5 handle with the given close function at scope exit.
struct Handle {
    hid_t id;
    herr_t (*close)(hid_t);
    ~Handle() {
        if (id >= 0) close(id);
    }
};

}  // namespace

Hdf5File::Hdf5File(const std::string& path) : m_path(path) {
    const LibraryCall call(m_path, "libhdf5");
    silence_hdf5();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw UserError(path + ": HDF5 file not found");
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw UserError(path + ": not a readable HDF5 file (truncated, corrupt or another format)");
    m_id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (m_id < 0) throw UserError(path + ": cannot open as HDF5 (truncated or corrupt file)");
}

Hdf5File::Hdf5File(const void* image, size_t size, const std::string& name) : m_path(name) {
    const LibraryCall call(m_path, "libhdf5");
    silence_hdf5();
    Handle fapl{H5Pcreate(H5P_FILE_ACCESS), H5Pclose};
    if (fapl.id < 0 || H5Pset_fapl_core(fapl.id, 1 << 16, 0) < 0 || H5Pset_file_image(fapl.id, const_cast<void*>(image), size) < 0)
        throw UserError(name + ": cannot hold the HDF5 image in memory");
    m_id = H5Fopen(name.c_str(), H5F_ACC_RDONLY, fapl.id);
    if (m_id < 0) throw UserError(name + ": cannot open as HDF5 (truncated or corrupt file)");
}

Hdf5File::~Hdf5File() {
    const LibraryCall call(m_path, "libhdf5");
    if (m_id >= 0) H5Fclose(m_id);
}

bool Hdf5File::exists(const std::string& object) const {
    const LibraryCall call(m_path, "libhdf5");
    if (object.empty() || object[0] != '/') return false;
    if (object == "/") return true;
    // Check each path component in turn: H5Lexists fails on a missing intermediate group.
    size_t pos = 1;
    while (true) {
        size_t next = object.find('/', pos);
        std::string prefix = object.substr(0, next);
        if (H5Lexists(m_id, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
        if (next == std::string::npos) return true;
        pos = next + 1;
    }
}

WeightTensor Hdf5File::read(const std::string& dataset) const {
    const LibraryCall call(m_path, "libhdf5");
    if (!exists(dataset)) throw UserError(m_path + ": dataset " + dataset + " not found");
    Handle ds{H5Dopen2(m_id, dataset.c_str(), H5P_DEFAULT), H5Dclose};
    if (ds.id < 0) throw UserError(m_path + ": " + dataset + " is not a dataset");
    Handle type{H5Dget_type(ds.id), H5Tclose};
    const H5T_class_t cls = H5Tget_class(type.id);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        throw UserError(m_path + ": dataset " + dataset + " is not numeric");
    Handle space{H5Dget_space(ds.id), H5Sclose};
    const int rank = H5Sget_simple_extent_ndims(space.id);
    if (rank < 0 || rank > 8) throw UserError(m_path + ": dataset " + dataset + " has an unreadable shape");
    std::vector<hsize_t> dims(size_t(rank), 0);
    if (rank > 0) H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
    // A corrupt header can claim any size: bound the element count before allocating (2^27 values,
    // 1 GiB as doubles, far above any weight tensor an FPGA design holds).
    constexpr uint64_t kMaxElements = uint64_t(1) << 27;
    WeightTensor t;
    size_t n = 1;
    for (hsize_t d : dims) {
        if (d > kMaxElements || (d > 0 && n > kMaxElements / d))
            throw UserError(m_path + ": dataset " + dataset + " claims more than 2^27 values (corrupt file, or weights " +
                            "far larger than any FPGA design holds)");
        t.shape.push_back(int(d));
        n *= size_t(d);
    }
    // float32 datasets (what Keras writes) are read without conversion and widened here: HDF5's
    // conversion path zero-fills a conversion buffer on every read, which costs more than the read.
    bool ok = true;
    if (cls == H5T_FLOAT && H5Tget_size(type.id) == sizeof(float)) {
        std::vector<float> narrow(n);
        ok = n == 0 || H5Dread(ds.id, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, narrow.data()) >= 0;
        t.data.assign(narrow.begin(), narrow.end());
    } else {
        t.data.resize(n);
        ok = n == 0 || H5Dread(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.data.data()) >= 0;
    }
    if (!ok) throw UserError(m_path + ": cannot read dataset " + dataset + " (truncated or corrupt file)");
    t.file = std::filesystem::absolute(m_path).lexically_normal().string();
    t.dataset = dataset;
    return t;
}

std::string Hdf5File::string_attr(const std::string& object, const std::string& name) const {
    // Read as an array: an attribute of several strings must not be read into room for one.
    const std::vector<std::string> all = string_array_attr(object, name);
    return all.empty() ? "" : all.front();
}

std::vector<std::string> Hdf5File::string_array_attr(const std::string& object, const std::string& name) const {
    const LibraryCall call(m_path, "libhdf5");
    std::vector<std::string> out;
    if (!exists(object)) return out;
    if (H5Aexists_by_name(m_id, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0) return out;
    Handle attr{H5Aopen_by_name(m_id, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    Handle type{H5Aget_type(attr.id), H5Tclose};
    Handle space{H5Aget_space(attr.id), H5Sclose};
    if (H5Tget_class(type.id) != H5T_STRING) return out;
    const hssize_t count = H5Sget_simple_extent_npoints(space.id);
    if (count <= 0) return out;
    const size_t width = H5Tis_variable_str(type.id) > 0 ? sizeof(char*) : H5Tget_size(type.id);
    if (count > (hssize_t(1) << 20) || width == 0 || width > (size_t(1) << 28) / size_t(count))
        throw UserError(m_path + ": attribute " + name + " of " + object + " claims " + std::to_string(count) +
                        " strings of " + std::to_string(width) + " bytes (corrupt file)");
    if (H5Tis_variable_str(type.id) > 0) {
        std::vector<char*> bufs(size_t(count), nullptr);
        Handle mem{H5Tcopy(H5T_C_S1), H5Tclose};
        H5Tset_size(mem.id, H5T_VARIABLE);
        if (H5Aread(attr.id, mem.id, bufs.data()) < 0) return out;
        for (char* b : bufs) {
            out.emplace_back(b ? b : "");
            if (b) H5free_memory(b);
        }
        return out;
    }
    const size_t size = H5Tget_size(type.id);
    std::vector<char> buf(size * size_t(count), '\0');
    if (H5Aread(attr.id, type.id, buf.data()) < 0) return out;
    for (hssize_t i = 0; i < count; ++i) {
        std::string s(buf.data() + size_t(i) * size, size);
        s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
        out.push_back(s);
    }
    return out;
}

std::vector<std::string> Hdf5File::children(const std::string& group) const {
    const LibraryCall call(m_path, "libhdf5");
    std::vector<std::string> out;
    if (!exists(group)) return out;
    Handle g{H5Gopen2(m_id, group.c_str(), H5P_DEFAULT), H5Gclose};
    if (g.id < 0) return out;
    H5G_info_t info;
    if (H5Gget_info(g.id, &info) < 0) return out;
    for (hsize_t i = 0; i < info.nlinks; ++i) {
        ssize_t len = H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
        if (len < 0) continue;
        std::string name(size_t(len) + 1, '\0');
        H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), size_t(len) + 1, H5P_DEFAULT);
        name.resize(size_t(len));
        out.push_back(name);
    }
    return out;
}

}  // namespace nnsim
