"""Test doubles that speak real HTTP protocols on loopback: the Anthropic and OpenAI-compatible APIs."""

from .anthropic_api import AnthropicEmulator
from .openai_api import OpenAIEmulator

__all__ = ["AnthropicEmulator", "OpenAIEmulator"]
