"""Log F0 relative to the speaker's own pitch so far, as one more model input column.

Most of Cantonese's unit errors are one tone for another, and mostly between level tones
(55, 33, 22) that differ only in how high they sit in the speaker's range: the raw log F0
column says how high a frame is for the training corpus, not for this voice, and the
encoder's 1.3 s of left context holds a few syllables at most. Kaldi's pitch features
normalise log F0 by a moving mean for the same reason. Here the reference is the mean log F0
of every voiced frame since the utterance began (weighted by voicing, starting from the
corpus mean), which streaming carries over as two running sums. Both paths work in blocks
of one size, so streaming computes exactly what a whole-utterance pass does.
"""

import torch  # no `from __future__ import annotations`: TorchScript reads the buffer's annotation
from torch import nn

PRIOR_FRAMES = 50.0  # the corpus mean counts as half a second of voicing
VOICED_FROM = 0.5  # NCCF below this: no weight; at VOICED_FROM + VOICED_SPAN and above: full
VOICED_SPAN = 0.4


class RelativePitch(nn.Module):
    """Normalised features (…, mels + voicing + log F0) → the same plus log F0 minus the
    voiced mean so far, weighted by voicing (zero where a frame is unvoiced)."""

    voicing_cmvn: torch.Tensor  # the voicing column's CMVN mean and std

    def __init__(self, voicing_column: int, voicing_mean: float, voicing_std: float, block: int) -> None:
        super().__init__()
        self.voicing_column = voicing_column
        self.block = block
        self.voiced_from, self.voiced_span, self.prior_frames = VOICED_FROM, VOICED_SPAN, PRIOR_FRAMES
        # a buffer, so a fine-tuned model keeps the CMVN its voicing weights were made under
        self.register_buffer("voicing_cmvn", torch.tensor([voicing_mean, voicing_std]))

    def forward(self, features: torch.Tensor, sums: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """features (batch, frames, dims), frames a multiple of `block`, and the running
        sums (batch, 2) of voiced log F0 and of voicing → features with the new column and
        the sums after them."""
        voicing = features[:, :, self.voicing_column] * self.voicing_cmvn[1] + self.voicing_cmvn[0]
        weight = ((voicing - self.voiced_from) / self.voiced_span).clamp(0.0, 1.0)
        log_f0 = features[:, :, self.voicing_column + 1]
        columns: list[torch.Tensor] = []
        for start in range(0, features.shape[1], self.block):
            w = weight[:, start : start + self.block]
            f = log_f0[:, start : start + self.block]
            weighted = sums[:, 0:1] + torch.cumsum(w * f, dim=1)
            total = sums[:, 1:2] + torch.cumsum(w, dim=1)
            columns.append(w * (f - weighted / (total + self.prior_frames)))  # the prior's mean is 0
            sums = torch.stack([weighted[:, -1], total[:, -1]], dim=1)
        relative = torch.cat(columns, dim=1) if columns else log_f0[:, :0]
        return torch.cat([features, relative.unsqueeze(2)], dim=2), sums
