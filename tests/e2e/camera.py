"""A fake camera for Chromium: a Y4M (YUV 4:2:0) video of a still image, such as a QR code.

Chromium plays the file given by --use-file-for-fake-video-capture as the camera. It opens the
file when a page starts capturing, so a test can show a new picture by rewriting the file
before the page asks for the camera.
"""

from pathlib import Path

import numpy as np
from PIL import Image

from core.codes import qr_image

WIDTH, HEIGHT = 640, 480


def frame_of(picture: Image.Image) -> Image.Image:
    """The picture centred on a white 640x480 frame, as a phone held over a counter sees it."""
    frame = Image.new("RGB", (WIDTH, HEIGHT), "white")
    picture = picture.convert("RGB")
    picture.thumbnail((HEIGHT - 40, HEIGHT - 40))
    frame.paste(picture, ((WIDTH - picture.width) // 2, (HEIGHT - picture.height) // 2))
    return frame


def y4m_write(path: Path, picture: Image.Image, *, frames: int = 10, fps: int = 10) -> Path:
    y, cb, cr = (np.asarray(plane, dtype=np.float32) for plane in picture.convert("YCbCr").split())

    def subsampled(plane: np.ndarray) -> bytes:  # 4:2:0: one chroma sample per 2x2 pixels
        rows, cols = plane.shape
        quarters = plane.reshape(rows // 2, 2, cols // 2, 2).mean(axis=(1, 3))
        return quarters.round().astype(np.uint8).tobytes()

    frame = b"FRAME\n" + y.astype(np.uint8).tobytes() + subsampled(cb) + subsampled(cr)
    header = f"YUV4MPEG2 W{picture.width} H{picture.height} F{fps}:1 Ip A1:1 C420jpeg\n"
    path.write_bytes(header.encode() + frame * frames)
    return path


class FakeCamera:
    def __init__(self, path: Path):
        self.path = path
        self.show_blank()

    def show_blank(self) -> None:
        y4m_write(self.path, Image.new("RGB", (WIDTH, HEIGHT), "white"))

    def show_picture(self, picture: Image.Image) -> None:
        """A photo of a screen (a screenshot of a phone's QR), as the counter's camera sees it."""
        y4m_write(self.path, frame_of(picture))

    def show_qr(self, payload: str) -> None:
        y4m_write(self.path, frame_of(qr_image(payload, box_size=6)))
