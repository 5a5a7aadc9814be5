#!/bin/sh
# Makes the secret files of deploy/compose.cluster.yaml in ./secrets (run from the repository's
# folder). Every secret is random except the bot token, taken from $BOT_TOKEN when set. A file
# that already exists is kept, so running it again changes nothing.
#   BOT_TOKEN=123456:ABC... deploy/make-secrets.sh
# The folder is 0700 (only you); the files in it are 0644 because compose mounts them with their
# mode, and the containers' own users must read them.
set -eu
umask 077
dir=${SECRETS_OUT:-secrets}
mkdir -p "$dir"
chmod 0700 "$dir"

random_hex() {  # $1 bytes of randomness, as hex
    od -An -N "$1" -tx1 /dev/urandom | tr -d ' \n'
}

put() {  # put NAME VALUE: write the file unless it exists
    if [ ! -e "$dir/$1" ]; then
        printf '%s' "$2" > "$dir/$1"
        echo "made $dir/$1"
    fi
    chmod 0644 "$dir/$1"
}

put postgres_password "$(random_hex 24)"
put bot_db_password "$(random_hex 24)"
put database_url "postgresql://intake_bot:$(cat "$dir/bot_db_password")@postgres:5432/intake"
put webhook_secret "$(random_hex 24)"
put garage_rpc_secret "$(random_hex 32)"
put garage_admin_token "$(random_hex 32)"
# The bot's S3 key: Garage's key id is GK and 24 hex digits, its secret 64 hex digits.
if [ ! -e "$dir/garage.env" ]; then
    key="GK$(random_hex 12)"
    secret="$(random_hex 32)"
    put garage.env "GARAGE_DEFAULT_ACCESS_KEY=$key
GARAGE_DEFAULT_SECRET_KEY=$secret
"
    put s3_credentials "[default]
aws_access_key_id = $key
aws_secret_access_key = $secret
"
fi
if [ -n "${BOT_TOKEN:-}" ]; then
    put bot_token "$BOT_TOKEN"
elif [ ! -e "$dir/bot_token" ]; then
    echo "missing $dir/bot_token: run again with BOT_TOKEN=... (from @BotFather)" >&2
    exit 1
fi
