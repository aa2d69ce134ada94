# Sourced by the bench scripts that start the server from bin/start.
#
#   bench_jars    builds the server and the bench jars with mvn package (never install, offline)
#                 when either is missing
bench_jars() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  if [ ! -f "$root/bench/target/sluice-bench.jar" ] || [ ! -f "$root/master/target/sluice-master.jar" ]; then
    (cd "$root" && mvn -B -q -o package -DskipTests -Dfuzz.skip -pl master,bench -am)
  fi
}
