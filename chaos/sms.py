"""A text-message sender for the chaos run (SMS_SENDER=chaos.sms.SlowSender): as slow as a real
gateway (a tenth of a second a message), so that the reminder job is still running when its
worker is killed; every message it sends is one line in the file CHAOS_SMS_LOG names, so that
a message sent twice shows."""

import os
import time

SECONDS_A_MESSAGE = 0.1


class SlowSender:
    def send(self, phone: str, text: str) -> None:
        time.sleep(SECONDS_A_MESSAGE)
        line = f"{phone}\t{text}".replace("\n", " ")
        with open(os.environ["CHAOS_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(line + "\n")
