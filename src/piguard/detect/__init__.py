"""Detection: text in, `Finding`s out."""

from piguard.detect.finding import Finding

__all__ = ["Finding"]
