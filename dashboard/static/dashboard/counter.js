// The counter's scanner: camera frames drawn to a canvas and read by jsQR, or a photo of the
// QR read the same way; what is read goes into the lookup form, which htmx posts.
(function () {
  "use strict";
  const root = document.getElementById("counter");
  if (!root) return;
  const video = document.getElementById("camera");
  const startButton = document.getElementById("start-camera");
  const stopButton = document.getElementById("stop-camera");
  const photo = document.getElementById("qr-photo");
  const status = document.getElementById("scan-status");
  const form = document.getElementById("lookup-form");
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const message = (name) => root.dataset[name];
  let stream = null;
  let timer = null;

  // Read a QR from an image source, scaled down so phones decode quickly.
  function read(source, width, height, maxSide, inversion) {
    const scale = Math.min(1, maxSide / Math.max(width, height));
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    const code = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: inversion });
    return code ? code.data : null;
  }

  function found(text) {
    stopCamera();
    status.textContent = message("msgDecoded");
    form.elements.code.value = text;
    form.requestSubmit();
  }

  function scanFrame() {
    if (!stream) return;
    if (video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      const text = read(video, video.videoWidth, video.videoHeight, 640, "dontInvert");
      if (text) return found(text);
    }
    timer = setTimeout(scanFrame, 120);
  }

  async function startCamera() {
    if (!window.isSecureContext || !navigator.mediaDevices) {
      status.textContent = message("msgInsecure");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (error) {
      status.textContent = message("msgNoCamera");
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    startButton.hidden = true;
    stopButton.hidden = false;
    status.textContent = message("msgAim");
    await video.play();
    scanFrame();
  }

  function stopCamera() {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    startButton.hidden = false;
    stopButton.hidden = true;
  }

  async function readPhoto() {
    const file = photo.files[0];
    if (!file) return;
    const bitmap = await createImageBitmap(file);
    const text = read(bitmap, bitmap.width, bitmap.height, 1280, "attemptBoth");
    photo.value = "";
    if (text) found(text);
    else status.textContent = message("msgNoQrInPhoto");
  }

  startButton.addEventListener("click", startCamera);
  stopButton.addEventListener("click", stopCamera);
  photo.addEventListener("change", readPhoto);
})();
