# Asterisk 22 (Debian sid) loaded with Sunline's dialplan/. Used by docker-compose.yml.
FROM debian:sid-slim
RUN apt-get -o Acquire::Check-Valid-Until=false update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      asterisk asterisk-modules asterisk-core-sounds-en-gsm \
 && rm -rf /var/lib/apt/lists/*
COPY dialplan/*.conf /etc/asterisk/
COPY dialplan/sounds/ /usr/share/asterisk/sounds/
# The sunline-prompts volume (docker-compose.yml) starts as a copy of this folder, owner included:
# the Sunline container's user (node, uid 1000) writes the prompts administrators upload there.
RUN chown -R 1000:1000 /usr/share/asterisk/sounds/sunline
COPY docker/asterisk/ /etc/asterisk/
EXPOSE 5060/udp 8088 5038
CMD ["asterisk", "-f", "-vvv"]
