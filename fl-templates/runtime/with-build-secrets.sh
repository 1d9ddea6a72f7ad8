#!/bin/sh
# Run one build command with the build's secrets applied, and leave none behind.
#
#   /run/secrets/flops-ca   extra CA certificates (e.g. a TLS-intercepting proxy's)
#   /run/secrets/flops-env  KEY=VALUE lines (proxy settings, index URLs with tokens)
#
# Either may be absent: buildah then does not mount it. The CA bundle is built
# in a temporary file that is removed before the layer is committed; the env
# lines only ever live in this process's environment.
set -eu

secrets=${FLOPS_SECRETS_DIR:-/run/secrets}  # another folder only in tests
ca=$secrets/flops-ca
env_file=$secrets/flops-env
bundle=

if [ -s "$ca" ]; then
    # Start from the image's own roots so that public hosts still verify.
    roots=/etc/ssl/certs/ca-certificates.crt
    if [ ! -s "$roots" ]; then
        roots=$(python3 -c 'try:
    import certifi
except ImportError:
    from pip._vendor import certifi
print(certifi.where())')
    fi
    bundle=$(mktemp /tmp/flops-ca.XXXXXX)
    { cat "$roots"; echo; cat "$ca"; } > "$bundle"
    export PIP_CERT="$bundle" SSL_CERT_FILE="$bundle" REQUESTS_CA_BUNDLE="$bundle" NODE_EXTRA_CA_CERTS="$bundle"
fi

if [ -f "$env_file" ]; then
    cr=$(printf '\r')
    while IFS= read -r line || [ -n "$line" ]; do
        line=${line%"$cr"}
        case "$line" in
            '' | '#'*) continue ;;
        esac
        key=${line%%=*}
        case "$key" in
            "$line" | '' | [0-9]* | *[!A-Za-z0-9_]*)
                # Never echo the line: it may hold a token.
                echo "with-build-secrets: skipping a flops-env line that is not NAME=VALUE" >&2
                continue ;;
        esac
        # The value is exported as it is, never evaluated.
        export "$key=${line#*=}"
    done < "$env_file"
fi

# uv reads none of pip's variables: the same index settings under uv's names.
if [ -n "${PIP_INDEX_URL:-}" ] && [ -z "${UV_INDEX_URL:-}" ]; then export UV_INDEX_URL="$PIP_INDEX_URL"; fi
if [ -n "${PIP_EXTRA_INDEX_URL:-}" ] && [ -z "${UV_EXTRA_INDEX_URL:-}" ]; then export UV_EXTRA_INDEX_URL="$PIP_EXTRA_INDEX_URL"; fi
if [ -n "${PIP_TRUSTED_HOST:-}" ] && [ -z "${UV_INSECURE_HOST:-}" ]; then export UV_INSECURE_HOST="$PIP_TRUSTED_HOST"; fi

set +e
"$@"
status=$?
[ -z "$bundle" ] || rm -f "$bundle"
exit "$status"
