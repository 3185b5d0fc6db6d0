#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the storage tests
# (teams run connectedness on PostgreSQL, so the suite checks it for real).
# Starts an installed cluster; as root with apt-get, installs Debian's package.
set -euo pipefail
ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }
start() {
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [[ -n $version ]] && pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do ready && return 0; sleep 1; done
  return 1
}
ready && exit 0
if command -v pg_ctlcluster >/dev/null && start; then exit 0; fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "PostgreSQL not running: installing Debian's postgresql package" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  start
  su postgres -c "psql -qtc \"select 1 from pg_roles where rolname='$(id -un)'\" | grep -q 1 || createuser -s $(id -un)"
  exit 0
fi
echo "PostgreSQL is needed on 127.0.0.1:5432 for the tests: start it, or set CONNECTEDNESS_TEST_POSTGRES to a server URL" >&2
exit 1
