#!/usr/bin/env bash
# The layer rules of DESIGN.md section 2 that the compiler cannot see, checked by grep (fast; run
# by ctest and therefore by .ci/run). The rest is a build error: ui/ compiles with M6_UI_LAYER,
# under which model/engine.h, storage/sqlite.h and storage/workspace_db.h refuse to compile.
#   - model/ never includes a Qt header; ui/ and storage/ never include LibTorch;
#   - storage/ never includes Qt Widgets;
#   - widgets never construct bridge objects: the composition root (app/exe, through
#     app/bridge/app_services.h) builds them and hands them to the window.
# Prints each violation as file:line and exits 1 when there is one.
set -uo pipefail
cd "$(dirname "$0")/.."

status=0
fail() {
  local rule=$1 hits=$2
  if [ -n "$hits" ]; then
    printf 'layer rule broken: %s\n%s\n' "$rule" "$hits"
    status=1
  fi
}

fail "model/ includes a Qt header" \
  "$(grep -rnE '#include *<(Q[A-Za-z]+|qcustomplot)' model 2>/dev/null)"
fail "ui/ includes LibTorch" \
  "$(grep -rnE '#include *[<"](torch|ATen|c10)/' ui 2>/dev/null)"
fail "storage/ includes LibTorch or Qt Widgets" \
  "$(grep -rnE '#include *[<"](torch|ATen|c10)/|#include *<Qt?Widgets|#include *<Q(Widget|Dialog|MainWindow)>' storage 2>/dev/null)"
bridge='TrainingController|RunLibrary|ModelInfo|RunInspector|AdaptInfo|RunExporter|RunQueue|WorkspaceSession|WorkspaceServices|AppServices|WorkerThread<[A-Za-z]+>'
fail "a widget constructs a bridge object (take it from WorkspaceServices / AppServices)" \
  "$(grep -rnE "(new|make_unique<|make_shared<) *($bridge)\b" ui 2>/dev/null)"
fail "ui/ declares a bridge object by value (it would construct it)" \
  "$(grep -rnE "^\s*($bridge) +[a-z_][A-Za-z_]*_? *(;|\(|\{)" ui 2>/dev/null)"

if [ "$status" -eq 0 ]; then
  echo "layer rules hold"
fi
exit "$status"
