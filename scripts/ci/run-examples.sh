#!/usr/bin/env bash
# Submits every team's example SparkApplication (generated/examples/<team>/)
# to the bootstrapped cluster and waits until each one has COMPLETED. Fails on
# FAILED or SUBMISSION_FAILED, or at the timeout, printing what to look at.
# Used by .github/workflows/e2e.yaml; works the same on a laptop.
set -euo pipefail

# shellcheck source=../lib/common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib/common.sh"

TIMEOUT=1200
POLL_INTERVAL=${BOOTSTRAP_POLL_INTERVAL:-10}
while [ "$#" -gt 0 ]; do
  case $1 in
    -h | --help)
      printf 'Usage: bash scripts/ci/run-examples.sh [--timeout SECONDS] [--dry-run]\n'
      exit 0 ;;
    --timeout) TIMEOUT=${2:-}; shift ;;
    --dry-run) DRY_RUN=1 ;;
    *) err "unknown option: $1"; exit 2 ;;
  esac
  shift
done
case $TIMEOUT in '' | *[!0-9]*) err "--timeout needs a whole number of seconds"; exit 2 ;; esac

# shellcheck disable=SC2119 # the root Application's source is not overridden here
load_platform_config
KC=(kubectl --context "$CLUSTER_CONTEXT")

names=() namespaces=() states=()
step "Submit one example SparkApplication per team"
for i in ${EXAMPLES_TEAM[@]+"${!EXAMPLES_TEAM[@]}"}; do
  namespaces+=("${EXAMPLES_NAMESPACE[$i]}")
  names+=("${EXAMPLES_NAME[$i]}")
  states+=("")
  run "${KC[@]}" apply -f "$PLATFORM_ROOT/${EXAMPLES_FILE[$i]}"
done
if [ "${#names[@]}" -eq 0 ]; then die "no teams in teams/: no examples to run"; fi
if [ "$DRY_RUN" = 1 ]; then
  info "# then, every ${POLL_INTERVAL}s until all are COMPLETED (timeout ${TIMEOUT}s):"
  show_cmd "${KC[@]}" -n "${namespaces[0]}" get sparkapplication "${names[0]}" -o 'jsonpath={.status.applicationState.state}'
  exit 0
fi

step "Wait until every example has COMPLETED (timeout ${TIMEOUT}s)"
deadline=$((SECONDS + TIMEOUT))
last=''
while :; do
  pending=0 failed=0 table=''
  for i in "${!names[@]}"; do
    case ${states[$i]} in COMPLETED | FAILED | SUBMISSION_FAILED) ;; *)
      states[i]=$("${KC[@]}" -n "${namespaces[$i]}" get sparkapplication "${names[$i]}" \
        -o 'jsonpath={.status.applicationState.state}' 2>/dev/null) || states[i]='' ;;
    esac
    case ${states[$i]} in
      COMPLETED) ;;
      FAILED | SUBMISSION_FAILED) failed=$((failed + 1)) ;;
      *) pending=$((pending + 1)) ;;
    esac
    table="$table$(printf '  %-14s %-22s %s' "${namespaces[$i]}" "${names[$i]}" "${states[$i]:-(not started)}")"$'\n'
  done
  if [ "$table" != "$last" ]; then
    printf '[%ss]\n%s' "$SECONDS" "$table"
    last=$table
  fi
  [ "$pending" -eq 0 ] && break
  [ "$SECONDS" -ge "$deadline" ] && break
  sleep "$POLL_INTERVAL"
done

if [ "$pending" -eq 0 ] && [ "$failed" -eq 0 ]; then
  ok "every example SparkApplication COMPLETED"
  exit 0
fi

[ "$pending" -gt 0 ] && err "$pending example(s) did not finish within ${TIMEOUT}s"
[ "$failed" -gt 0 ] && err "$failed example(s) failed"
for i in "${!names[@]}"; do
  [ "${states[$i]}" = COMPLETED ] && continue
  ns=${namespaces[$i]} name=${names[$i]}
  printf '\n--- %s/%s: %s\n' "$ns" "$name" "${states[$i]:-(not started)}" >&2
  "${KC[@]}" -n "$ns" get sparkapplication "$name" -o 'jsonpath={.status.applicationState.errorMessage}{"\n"}' >&2 2>/dev/null || true
  "${KC[@]}" -n "$ns" describe sparkapplication "$name" >&2 || true
  "${KC[@]}" -n "$ns" logs "$name-driver" --tail=50 >&2 || true
  printf 'investigate: kubectl -n %s describe sparkapplication %s; kubectl -n %s logs %s-driver\n' "$ns" "$name" "$ns" "$name" >&2
done
exit 1
