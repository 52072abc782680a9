#!/usr/bin/env bash
# Runs on the GPU machine (CUDA, PyTorch for Python, a C++ compiler; no Java, no network), from the repository
# root, with target/gpu-kit carried from tools/gpu/prepare-kit.sh. Writes everything under $OUT:
#   1. fnn's published network stepped by PyTorch itself at batch 1 to 256 (python-bench.jsonl);
#   2. DJL's PyTorch JNI library built against the wheel's libtorch (jni-build.log);
#   3. twinloop's Java port of the same network stepped through DJL on the GPU (java-bench.json).
# Each phase has its own time limit and the next runs whatever the last did.
set -uo pipefail
OUT="${OUT:-/tmp/gpu-out}"; mkdir -p "$OUT"
kit="$PWD/target/gpu-kit"
[[ -d "$kit" ]] || tar -C target -xJf target/gpu-kit.tar.xz
log() { echo "== $(date -u +%T) $*"; }
budget_python="${BUDGET_PYTHON:-110}"

log machine
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$OUT/gpu.txt"
nproc; python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'abi', torch._C._GLIBCXX_USE_CXX11_ABI)"
torch_dir="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')"
site="$(dirname "$torch_dir")"
torch_version="$(python3 -c 'import torch; print(torch.__version__.split("+")[0])')"
cuda_tag="$(python3 -c 'import torch; print("cu" + torch.version.cuda.replace(".", ""))')"
abi="$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')"

log "1. PyTorch's own step of the published network"
timeout $((budget_python + 60)) python3 tools/gpu/fnn_gpu_bench.py "$kit/fnn" --budget-s "$budget_python" \
    > "$OUT/python-bench.jsonl" 2> "$OUT/python-bench.err"
echo "rc $?"; tail -3 "$OUT/python-bench.err"; cat "$OUT/python-bench.jsonl"

log "2. DJL's JNI library against libtorch $torch_version ($cuda_tag)"
native="$kit/djl-native/engines/pytorch/pytorch-native"
cuda_home="${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")}"
cuda_includes="-I$cuda_home/include"
for d in "$site"/nvidia/*/include "$site"/nvidia/cu*/include; do [[ -d "$d" ]] && cuda_includes="$cuda_includes -I$d"; done
mkdir -p "$OUT/obj"
build() {
  local std="$1"
  ls "$native"/src/main/native/*.cc | xargs -P "$(nproc)" -I{} sh -c "g++ -std=$std -O2 -fPIC -w \
      -D_GLIBCXX_USE_CXX11_ABI=$abi -DUSE_CUDA -I$torch_dir/include -I$torch_dir/include/torch/csrc/api/include \
      $cuda_includes -I$kit/jre/include -I$kit/jre/include/linux -I$native/build/include \
      -I$kit/djl-native/api/src/main/native -c {} -o $OUT/obj/\$(basename {} .cc).o" \
  && g++ -shared -o "$OUT/libdjl_torch.so" "$OUT"/obj/*.o -L"$torch_dir/lib" -ltorch -ltorch_cpu -ltorch_cuda \
      -lc10 -lc10_cuda -Wl,-rpath,"$torch_dir/lib"
}
(time (build c++17 || { echo "c++17 failed; trying c++20"; build c++20; })) > "$OUT/jni-build.log" 2>&1
echo "build rc $?"; grep -m 20 -E "error|Error" "$OUT/jni-build.log"; tail -4 "$OUT/jni-build.log"
rm -rf "$OUT/obj"

if [[ -f "$OUT/libdjl_torch.so" ]]; then
  log "3. the Java port through DJL on the GPU"
  cache="$PWD/target/djl-cache"
  jni_dir="$cache/pytorch/$torch_version-$cuda_tag-linux-x86_64"
  mkdir -p "$jni_dir" && cp "$OUT/libdjl_torch.so" "$jni_dir/0.35.1-libdjl_torch.so"
  ld=""; for d in "$site"/nvidia/*/lib "$site"/nvidia/cu*/lib; do [[ -d "$d" ]] && ld="$ld:$d"; done
  export LD_LIBRARY_PATH="${ld#:}:$torch_dir/lib:${LD_LIBRARY_PATH:-}"
  export PYTORCH_LIBRARY_PATH="$torch_dir/lib" PYTORCH_VERSION="$torch_version" PYTORCH_FLAVOR="$cuda_tag"
  export DJL_CACHE_DIR="$cache" PYTORCH_LIBRARY_EXCLUSION="libshm.so,libtorch_python.so,libtorch_global_deps.so"
  for args in "${JAVA_BENCH_ARGS[@]:---model-config published --units 8000 --batch 1,4,16,64 --steps 10 --warmup 3}"; do
    timeout "${BUDGET_JAVA:-150}" "$kit/jre/bin/java" -Xmx8g -Dai.djl.offline=true -cp "$kit/lib/*" \
        io.twinloop.ops.cli.BenchMain $args > "$OUT/java-bench.json" 2> "$OUT/java-bench.err"
    echo "rc $?"; grep -v NNPACK "$OUT/java-bench.err" | tail -15; cat "$OUT/java-bench.json"
  done
fi
log done
