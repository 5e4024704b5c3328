"""Reading QR codes in tests with an independent decoder (OpenCV's ArUco-based detector; the
classic cv2.QRCodeDetector misses about 2% of perfectly printed codes)."""

import cv2
import numpy as np


def qr_decode(image: bytes | np.ndarray) -> str:
    """The text of the QR code in a PNG (bytes) or a pixel array; "" when none is found."""
    if isinstance(image, bytes):
        image = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return text
