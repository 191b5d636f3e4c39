"""Reading the screen in words: text near a point, all visible text, masking, and OCR.

- ``text_near``, ``visible_text``, ``element_at``, ``mask_sensitive_fields``, ``screens_match``:
  ``screen.py`` (a page's own answers where the environment can read its page, OCR elsewhere)
- Tesseract OCR (words with boxes, text near a point): ``ocr.py``
"""

from .ocr import Word, ocr_text, ocr_words, text_near_point
from .screen import element_at, mask_sensitive_fields, screens_match, text_near, visible_text

__all__ = [
    "Word",
    "element_at",
    "mask_sensitive_fields",
    "ocr_text",
    "ocr_words",
    "screens_match",
    "text_near",
    "text_near_point",
    "visible_text",
]
