"""Synthetic multi-dialect, code-switching speech with exact labels (`xiangyin synth`).

No labelled dialect speech can be downloaded here, so the project makes its own from
offline text and espeak-ng voices, through simulated phone and room channels.
"""
