#!/usr/bin/env bash
# The main job on the bundled example, the jet tagger KERAS_3layer (16-64-32-32-5): set up, build,
# import the Keras model with its hls4ml config, then run 1,000 seeded random samples bit-exactly and
# report accuracy against the float model and where values wrap; simulate it cycle by cycle with its
# resource estimate; sweep every valid reuse factor; and check the generated Verilog under Verilator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
models=../shared/external_models
mkdir -p out
./build/nnsim import --net "$models/keras-config.yml" -o out/KERAS_3layer.json
./build/nnsim run --net out/KERAS_3layer.json --random-samples 1000 --seed 1 --output out/predictions.dat \
  --report out/run_report.json
# The cycle-accurate SystemC model of the same hardware: latency, II, FIFO occupancy, waveforms.
./build/nnsim sim --net out/KERAS_3layer.json --samples 1000 --seed 1 --report out/sim_report.json \
  --vcd out/KERAS_3layer.vcd
# Every valid reuse factor of every layer, ranked, with a Pareto plot (analytical; seconds).
./build/nnsim --net out/KERAS_3layer.json --sweep reuse --out out/sweep_reuse
# The generated Verilog of a Resource RF 16 design, word for word and cycle for cycle against the model.
./build/nnsim verify --net out/KERAS_3layer.json --strategy Resource --reuse-factor 16 --samples 200 \
  --ready-ratio 0.7 --work out/verify_rf16
