"""Loopback emulators of the Anthropic Messages API and of OpenAI-compatible servers."""

from .anthropic import AnthropicEmulator
from .openai import OpenAIEmulator

__all__ = ["AnthropicEmulator", "OpenAIEmulator"]
