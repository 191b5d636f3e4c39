"""Host patterns (``environments/_hosts.py``): one table for the policy, the browser guard and the
sandbox's proxy."""

from __future__ import annotations

import pytest

from environments import host_matches


@pytest.mark.parametrize("address, patterns, expected", [
    ("https://a.example.com/x", ["*.example.com"], True),
    ("https://example.com/", ["*.example.com"], False),            # the bare domain is not a subdomain
    ("https://EXAMPLE.com./", ["example.com"], True),               # case and the trailing dot
    ("example.com:443", ["example.com"], True),                     # no port in the pattern: every port
    ("https://example.com/", ["example.com:443"], True),            # the scheme's default port
    ("http://example.com/", ["example.com:443"], False),
    ("127.0.0.1:8080", ["127.0.0.1:8080"], True),
    ("127.0.0.1:8081", ["127.0.0.1:8080"], False),
    ("http://127.0.0.1:8081/", ["127.0.0.1:*"], True),
    ("localhost:8080", ["127.0.0.1:8080"], False),                  # names, not addresses
    ("[::1]:8080", ["[::1]:8080"], True),                           # brackets are literal
    ("[::1]:8080", ["::1"], True),
    ("[::1]:8081", ["[::1]:8080"], False),
    ("evil.com", ["*.example.com"], False),
    ("a.example.com.evil.com", ["*.example.com"], False),
    ("", ["*"], False),
])
def test_host_patterns(address: str, patterns: list[str], expected: bool) -> None:
    assert host_matches(address, patterns) is expected
