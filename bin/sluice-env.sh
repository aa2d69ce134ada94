# Shared by bin/start, bin/stop and bin/ctl (sourced, not run).
#
# Environment variables read:
#   SLUICE_HOME         installation directory (default: the directory above bin/)
#   JAVA_HOME           JDK/JRE to use (default: the java on PATH)
#   SLUICE_MASTER_OPTS  JVM options of the master (default: -Xms16m -Xmx64m -XX:+UseSerialGC)
#   SLUICE_BUILD        "auto" (default): build with Maven when the jars are missing or older
#                       than the sources; "never": fail instead
SLUICE_HOME="${SLUICE_HOME:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export SLUICE_HOME
if [ -n "${JAVA_HOME:-}" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi
SLUICE_JAR="$SLUICE_HOME/master/target/sluice-master.jar"
SLUICE_LIB="$SLUICE_HOME/master/target/lib"
SLUICE_CP="$SLUICE_JAR:$SLUICE_LIB/*"
SLUICE_LOGBACK="$SLUICE_HOME/conf/logback.xml"

# Builds the server on first use, and again when a module's sources are newer than its jar.
sluice_build_if_needed() {
  local stale="" module jar
  if [ ! -f "$SLUICE_JAR" ] || [ ! -d "$SLUICE_LIB" ]; then
    stale="not built yet"
  else
    for module in common worker master; do
      if [ "$module" = master ]; then jar="$SLUICE_JAR"; else jar="$(ls "$SLUICE_LIB"/sluice-$module-*.jar 2>/dev/null | head -n 1)"; fi
      if [ -z "$jar" ] || [ -n "$(find "$SLUICE_HOME/$module/src/main" "$SLUICE_HOME/$module/pom.xml" \
            -newer "$jar" -print -quit 2>/dev/null)" ]; then
        stale="sources changed since the last build"
      fi
    done
  fi
  [ -z "$stale" ] && return 0
  if [ "${SLUICE_BUILD:-auto}" = "never" ]; then
    echo "sluice: the server is $stale and SLUICE_BUILD=never; run: mvn -B -DskipTests package" >&2
    exit 1
  fi
  if ! command -v mvn >/dev/null 2>&1; then
    echo "sluice: the server is $stale and Maven (mvn) is not installed to build it" >&2
    exit 1
  fi
  echo "sluice: $stale; building (mvn -B -q -DskipTests -pl master -am package)..." >&2
  (cd "$SLUICE_HOME" && mvn -B -q -Dstyle.color=never -DskipTests -pl master -am package) >&2
}

# Prints one value (run_dir, log_dir, pid_file, stop_timeout_ms) for the configuration options in "$@".
sluice_path() {
  local key="$1"; shift
  "$JAVA" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$SLUICE_CP" -Dsluice.home="$SLUICE_HOME" \
    -Dlogback.configurationFile="$SLUICE_LOGBACK" io.sluice.master.cli.CtlMain "$@" paths \
    | sed -n "s/^$key=//p"
}
