// hls4ml testbench data files: one sample per line, values separated by spaces (tb_input_features.dat,
// tb_output_predictions.dat). Blank lines are skipped.
#pragma once

#include <istream>
#include <string>
#include <vector>

namespace nnsim {

/// Read every sample; each must have `columns` values (0: take the first line's count). Throws
/// UserError naming the file and line for a wrong column count or a value that is not a number.
std::vector<std::vector<double>> read_data_file(const std::string& path, size_t columns);
/// The same from an open stream; `path` names it in messages.
std::vector<std::vector<double>> read_data_stream(std::istream& in, const std::string& path, size_t columns);

/// Write samples, every value in the shortest form that reads back exactly (std::to_chars).
void write_data_file(const std::string& path, const std::vector<std::vector<double>>& rows);

/// Format one value the way write_data_file does.
std::string format_value(double v);

}  // namespace nnsim
