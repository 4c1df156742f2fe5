#!/bin/sh
# The guest agent run natively (tests/oci/agent_test.c): hostile and good
# requests over a socket pair, as over vsock.  Builds it first.
# usage: agent.sh
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
make --no-print-directory -s -C "$top/loader" oci-test-build >/dev/null || {
	echo "not ok 1 - build the agent test"
	echo "0 passed, 1 failed"
	exit 1
}
exec "$top/build/tests/oci/agent_test"
