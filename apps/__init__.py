"""The lab's faces that need a UI library: the Gradio app and the demo.

Gradio's settings for a lab server, unless the user set them (read when a page is built): no usage reports, and no
request statistics. Gradio otherwise rebuilds a pandas table of its last 10,000 requests after every request, for a
monitoring page the lab turns off: under the soak's 16 sessions that took a tenth of the server's time, growing as
the table filled, and every status poll waited behind it."""

import os

for _name, _value in {"GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_ANALYTICS_CACHE_FREQUENCY": str(2**62),
                      "GRADIO_ANALYTICS_MAX_EVENTS": "100"}.items():
    os.environ.setdefault(_name, _value)
