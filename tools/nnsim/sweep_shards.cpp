// Sharded sweeps and their merge, and the Slurm job array (sweep_shards.hpp).
#include "tools/nnsim/sweep_shards.hpp"

#include <filesystem>
#include <sstream>

#include "core/diag.hpp"

namespace nnsim {

ShardSpec parse_shard(const std::string& text) {
    ShardSpec s;
    const size_t slash = text.find('/');
    try {
        size_t used = 0;
        if (slash == std::string::npos) throw std::invalid_argument(text);
        const long long k = std::stoll(text.substr(0, slash), &used);
        if (used != slash) throw std::invalid_argument(text);
        const long long n = std::stoll(text.substr(slash + 1), &used);
        if (used != text.size() - slash - 1 || n < 1 || k < 0 || k >= n) throw std::invalid_argument(text);
        s.index = uint64_t(k), s.count = uint64_t(n);
    } catch (const std::exception&) {
        throw UserError("--shard: expected K/N with 0 <= K < N (e.g. 0/4), got '" + text + "'");
    }
    return s;
}

std::vector<uint64_t> shard_points(const std::vector<uint64_t>& todo, const ShardSpec& s) {
    std::vector<uint64_t> mine;
    for (uint64_t i : todo)
        if (i % s.count == s.index) mine.push_back(i);
    return mine;
}

std::vector<PointResult> merge_stores(const std::vector<std::string>& dirs, const SweepContext& ctx,
                                      const SweepGrid& grid) {
    std::vector<PointResult> merged(grid.size());
    std::vector<int> from(grid.size(), -1);  // the store each point came from
    for (size_t d = 0; d < dirs.size(); ++d) {
        const std::string db = (std::filesystem::path(dirs[d]) / "sweep.db").string();
        if (!std::filesystem::exists(db)) throw UserError(dirs[d] + ": no sweep store (sweep.db) to merge");
        SweepStore store(db);
        std::vector<PointResult> part;
        store.restore(ctx, grid, false, part);
        for (size_t i = 0; i < part.size(); ++i) {
            if (part[i].run == 0) continue;  // not in this store
            if (from[i] >= 0)
                throw UserError("--merge: point " + std::to_string(i) + " (" + grid.key(i) + ") is in both " +
                                dirs[size_t(from[i])] + " and " + dirs[d] + "; merge each shard once");
            from[i] = int(d);
            merged[i] = std::move(part[i]);
        }
    }
    size_t missing = 0, first = 0;
    for (size_t i = 0; i < from.size(); ++i)
        if (from[i] < 0 && missing++ == 0) first = i;
    if (missing > 0)
        throw UserError("--merge: " + std::to_string(missing) + " of " + std::to_string(grid.size()) +
                        " points are in none of the stores (the first: point " + std::to_string(first) + ", " +
                        grid.key(first) + "); are all shards finished, and run with the same --net and --sweep?");
    return merged;
}

namespace {

/// A word for a POSIX shell: single-quoted unless it is plainly safe.
std::string shell_word(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@") ==
                          std::string::npos)
        return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string joined(const SlurmOptions& o) {
    std::string s = shell_word(o.nnsim);
    for (const auto& a : o.sweep_args) s += " " + shell_word(a);
    return s;
}

}  // namespace

std::string slurm_array_script(const SlurmOptions& o) {
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# nnsim sweep as a Slurm job array: task K computes shard K/" << o.tasks << " into its own store.\n"
      << "# Submit: sbatch " << shell_word(o.out + "/slurm_array.sh") << "; then merge: "
      << slurm_merge_command(o) << "\n"
      << "#SBATCH --job-name=nnsim-sweep\n"
      << "#SBATCH --array=0-" << o.tasks - 1 << "\n"
      << "#SBATCH --time=" << o.time << "\n"
      << "#SBATCH --output=" << o.out << "/shard-%a.log\n";
    if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
    s << "set -euo pipefail\n"
      << joined(o) << " --shard \"${SLURM_ARRAY_TASK_ID}/" << o.tasks << "\" --out " << shell_word(o.out)
      << "/shard-\"${SLURM_ARRAY_TASK_ID}\" --no-plot\n";
    return s.str();
}

std::string slurm_merge_command(const SlurmOptions& o) {
    std::string s = joined(o) + " --out " + shell_word(o.out) + " --merge";
    for (int k = 0; k < o.tasks; ++k) s += " " + shell_word(o.out + "/shard-" + std::to_string(k));
    return s;
}

}  // namespace nnsim
