"""REST bodies of an organisation's API keys: never the secret, except once in the answer that issues it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from ...services.api_keys import IssuedKey, key_state
from ...services.ports import ApiKeyInfo
from .instants import UtcDateTime


class ApiKeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field("", description="What the key is for, at most 60 characters")


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    overlap_minutes: int = Field(0, description="Minutes the old key still works (0-60); 0: refused at once")


class ApiKeyOut(BaseModel):
    id: int
    prefix: str = Field(description="The public part of the key, lr_<prefix>_…")
    label: str | None
    created_at: UtcDateTime
    last_used_at: UtcDateTime | None = Field(description="To the minute")
    revoked_at: UtcDateTime | None = Field(description="In the future: a rotated key still accepted until then")
    state: str = Field(description="active, retiring (rotated, in its overlap) or revoked")

    @classmethod
    def of(cls, key: ApiKeyInfo, now: datetime) -> ApiKeyOut:
        return cls(id=key.id, prefix=key.prefix, label=key.label, created_at=key.created_at,
                   last_used_at=key.last_used_at, revoked_at=key.revoked_at, state=key_state(key, now))  # fmt: skip


class IssuedKeyOut(BaseModel):
    key: ApiKeyOut
    api_key: str = Field(description="Shown once; only its hash is kept")

    @classmethod
    def of(cls, issued: IssuedKey, now: datetime) -> IssuedKeyOut:
        return cls(key=ApiKeyOut.of(issued.key, now), api_key=issued.api_key)
