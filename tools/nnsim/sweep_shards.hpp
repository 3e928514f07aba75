// Sweeps split over machines: `--shard K/N` computes the points i with i % N == K (K = 0..N-1, as a
// Slurm array task id) into its own store; `--merge DIR...` reads the stores of the N shards back
// into one result set (refusing a point stored twice, reporting the points no store holds); `--backend
// slurm` writes the job-array script that does both (docs/sweeps.md, "On a cluster").
#pragma once

#include <string>
#include <vector>

#include "core/sweep.hpp"

namespace nnsim {

struct ShardSpec {
    uint64_t index = 0;  ///< K
    uint64_t count = 1;  ///< N
};

/// Parse "K/N" (0 <= K < N); UserError naming --shard otherwise.
ShardSpec parse_shard(const std::string& text);

/// The points of `todo` that belong to shard `s`.
std::vector<uint64_t> shard_points(const std::vector<uint64_t>& todo, const ShardSpec& s);

/// The results of every grid point from the stores in `dirs` (each DIR/sweep.db, written by the same
/// sweep). UserError if a store is missing, a point is in two stores, or a point is in none.
std::vector<PointResult> merge_stores(const std::vector<std::string>& dirs, const SweepContext& ctx,
                                      const SweepGrid& grid);

/// Options of the Slurm job array.
struct SlurmOptions {
    int tasks = 4;              ///< array tasks (shards)
    std::string partition;      ///< -p, if given
    std::string time = "1:00:00";
    std::string nnsim;          ///< the nnsim binary to call
    std::vector<std::string> sweep_args;  ///< the sweep's arguments without --backend/--tasks/...
    std::string out;            ///< the sweep's --out: shards go to OUT/shard-K, the merge to OUT
};

/// The sbatch script of the array (shard k runs `nnsim ... --shard k/N --out OUT/shard-k`) and the
/// merge command to run after it.
std::string slurm_array_script(const SlurmOptions& o);
std::string slurm_merge_command(const SlurmOptions& o);

}  // namespace nnsim
