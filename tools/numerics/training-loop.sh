#!/usr/bin/env bash
# Runs the end-to-end training tests N times (default 20) in a row, each with a full garbage collection between
# every batch's forward and backward pass (Trainer's test hook), so that a tensor whose memory Java freed while
# autograd still held it would be read after it was freed. Prints one line per round and the tally; exits 1 if any
# round failed. docs/numerics.md has the figures. Usage: tools/numerics/training-loop.sh [N] [extra Maven args]
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds="${1:-20}"
shift || true
tests='TrainingRunTest,TrainerTest,NetworkTrainingTest,TrainStopTest'
./mvnw -q -B -o -DskipTests package "$@" >/dev/null || exit 1
failed=0
for ((i = 1; i <= rounds; i++)); do
  log="$(mktemp)"
  if ./mvnw -B -o -pl inference/training,ops/experiments,ops/cli -am verify -Dtest="$tests" \
      -Dsurefire.failIfNoSpecifiedTests=false -Dtwinloop.test.gcBeforeBackward=true \
      -Dtwinloop.isaKernelTests.skip=true -Denforcer.skip=true "$@" >"$log" 2>&1; then
    echo "round $i: passed ($(grep -c 'test hook: System.gc()' "$log") JVMs with the gc hook," \
      "$(grep -E '^\[INFO\] Tests run:' "$log" | grep -v ' in ' | awk -F'[ ,]+' '{s+=$4} END {print s}') tests)"
  else
    failed=$((failed + 1))
    echo "round $i: FAILED (log kept in $log)"
    grep -E '<<< (FAILURE|ERROR)|ERROR\] +[A-Za-z]+Test|BUILD FAILURE' "$log" | head -8
    continue
  fi
  rm -f "$log"
done
echo "$((rounds - failed)) of $rounds rounds passed"
[[ $failed -eq 0 ]]
