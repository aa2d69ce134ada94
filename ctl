#!/usr/bin/env bash
# Controls a running Sluice through the master's control socket (run/control.sock).
#
#   bin/ctl [-c FILE] COMMAND [ARGS] [--json]
#   bin/ctl --help          lists the commands
#
# Environment variables: see bin/sluice-env.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/sluice-env.sh"
sluice_build_if_needed
exec "$JAVA" -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dsluice.home="$SLUICE_HOME" \
  -Dlogback.configurationFile="$SLUICE_LOGBACK" -cp "$SLUICE_CP" io.sluice.master.cli.CtlMain "$@"
