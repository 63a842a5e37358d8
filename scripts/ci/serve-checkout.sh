#!/usr/bin/env bash
# For CI (.github/workflows/e2e.yaml): makes Argo CD sync exactly the checked-out
# commit, on forks and pull requests too, without credentials.
#
# Argo CD clones its repository from inside the cluster, so it cannot see the
# runner's checkout, and every generated Application carries gitops.repoURL and
# targetRevision from platform.yaml. So: point platform.yaml at a git daemon on
# the runner (reached from the k3d cluster as host.k3d.internal), rebuild, commit
# the result (without touching HEAD or the index) and serve that commit.
set -euo pipefail

# shellcheck source=../lib/common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib/common.sh"

usage() {
  cat <<'EOF'
Usage: bash scripts/ci/serve-checkout.sh [options]

Options:
  --dir DIR        where the bare repository and the daemon's pid file go
                   (default: $RUNNER_TEMP/e2e-git, or /tmp/e2e-git)
  --port PORT      git daemon port (default 9418)
  --host HOST      host name the cluster reaches the runner by (default host.k3d.internal)
  --listen ADDR    address the daemon listens on (default 0.0.0.0)
  --branch NAME    branch Argo CD follows (default e2e)
  -h, --help

Environment: E2E_BUILD_CMD, the build to run after editing platform.yaml
(default: npm run build).
Prints the repository URL on the last line.
EOF
}

DIR=${RUNNER_TEMP:-/tmp}/e2e-git
PORT=9418
HOST=host.k3d.internal
LISTEN=0.0.0.0
BRANCH=e2e
while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --dir) DIR=$2; shift ;;
    --port) PORT=$2; shift ;;
    --host) HOST=$2; shift ;;
    --listen) LISTEN=$2; shift ;;
    --branch) BRANCH=$2; shift ;;
    *) err "unknown option: $1"; exit 2 ;;
  esac
  shift
done

cd "$PLATFORM_ROOT"
URL="git://$HOST:$PORT/platform.git"

step "Point platform.yaml at $URL ($BRANCH), and rebuild"
run node "$SCRIPTS_DIR/lib/set-gitops.mjs" --root "$PLATFORM_ROOT" --repo-url "$URL" --revision "$BRANCH"
run bash -c "${E2E_BUILD_CMD:-npm run build}"

step "Commit the working tree and serve it"
# A commit without a parent: a shallow CI checkout cannot push its history.
index=$(mktemp "${TMPDIR:-/tmp}/e2e-index.XXXXXX")
GIT_INDEX_FILE=$index git read-tree --empty
GIT_INDEX_FILE=$index git add -A
tree=$(GIT_INDEX_FILE=$index git write-tree)
rm -f "$index"
commit=$(GIT_AUTHOR_NAME=e2e GIT_AUTHOR_EMAIL=e2e@localhost GIT_COMMITTER_NAME=e2e GIT_COMMITTER_EMAIL=e2e@localhost \
  git commit-tree "$tree" -m "e2e: the checkout under test, pointed at $URL")
mkdir -p "$DIR"
[ -d "$DIR/platform.git" ] || git init -q --bare "$DIR/platform.git"
run git push -q --force "$DIR/platform.git" "$commit:refs/heads/$BRANCH"

if [ -f "$DIR/git-daemon.pid" ] && kill -0 "$(cat "$DIR/git-daemon.pid")" 2>/dev/null; then
  info "git daemon already running (pid $(cat "$DIR/git-daemon.pid"))"
else
  run git daemon --detach --reuseaddr --export-all "--base-path=$DIR" "--listen=$LISTEN" "--port=$PORT" "--pid-file=$DIR/git-daemon.pid"
fi
tries=0
until git ls-remote --exit-code "git://127.0.0.1:$PORT/platform.git" "refs/heads/$BRANCH" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 50 ]; then die "the git daemon does not serve git://127.0.0.1:$PORT/platform.git"; fi
  sleep 0.2
done
ok "serving commit $commit as $URL ($BRANCH)"
printf '%s\n' "$URL"
