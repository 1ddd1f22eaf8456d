#!/usr/bin/env bash
# Regenerates the short synthetic zh-CN prompts shipped in dialplan/sounds/sunline/ (8 kHz mono
# 16-bit WAV, what G.711 calls need). A city replaces them with recorded prompts of its own.
# Needs: apt-get install espeak-ng sox
set -euo pipefail
cd "$(dirname "$0")/../dialplan/sounds/sunline"
say() { # name text
  espeak-ng -v cmn -s 190 -w /tmp/sunline-prompt.wav "$2"
  sox /tmp/sunline-prompt.wav -r 8000 -c 1 -b 16 "$1.wav" silence 1 0.05 0.5% reverse silence 1 0.05 0.5% reverse tempo 1.15 norm -3
}
say greeting-default '您好，这里是幺二三四五热线，正在为您转接，请稍候。'
say greeting-short '您好，请稍候。'
say greeting-12345 '您好，这里是幺二三四五热线，请稍候。'
say greeting-12333 '您好，人力社保服务，请稍候。'
say greeting-12328 '您好，交通运输服务，请稍候。'
say greeting-12315 '您好，消费维权服务，请稍候。'
say greeting-12330 '您好，知识产权服务，请稍候。'
say greeting-12356 '您好，卫生健康服务，请稍候。'
say greeting-12329 '您好，住房公积金服务，请稍候。'
say survey '请对本次服务进行评价：满意请按1，基本满意请按2，不满意请按3。'
say survey-thanks '感谢您的评价，再见。'
# While waiting in the queue (queues.conf periodic-announce) and after the key (src/calls/callback-requests.ts).
say callback-offer '如需我们给您回电，请按1。'
say callback-confirm '已为您登记回电，我们会尽快给您回电，再见。'
# The examples commented in config/ivr.yaml (hours.closedPrompt, holidays.prompt, menu.prompt).
say closed '现在是非工作时间，我们将在工作时间给您回电。'
say holiday-notice '今天是法定节假日，热线照常服务，请稍候。'
say menu '人力社保请按1，住房公积金请按2，其他业务请稍候。'
rm -f /tmp/sunline-prompt.wav
