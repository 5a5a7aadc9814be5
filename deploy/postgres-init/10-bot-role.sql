-- Run once by the postgres image on an empty data folder (deploy/compose.cluster.yaml): the
-- bot's own role, not a superuser, made owner of the database "intake" so that its migrations
-- may create tables there. Its password is the secret file bot_db_password, the same one that
-- deploy/make-secrets.sh wrote into the bot's database_url.
\set bot_password `cat /run/secrets/bot_db_password`
CREATE ROLE intake_bot LOGIN PASSWORD :'bot_password';
ALTER DATABASE intake OWNER TO intake_bot;
