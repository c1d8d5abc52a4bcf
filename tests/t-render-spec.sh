#!/bin/sh
# The Mustache spec through `jobsite render` as a separate process, and the
# command's error reports and exit codes (see render-spec.py).
exec python3 "$(dirname "$0")/render-spec.py"
