// The counter's scanner: camera frames drawn to a canvas and read by jsQR, or a photo of the
// QR read the same way; what is read goes into the lookup form, which htmx posts. A USB scanner
// types the code and Enter into the one field, which keeps the focus; with a Chinese input
// method active its keystrokes arrive as a composition, and the Enter that commits it submits.
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

  const field = form.elements.code;
  const result = document.getElementById("counter-result");
  let submitAfterComposition = false;

  // Full-width letters, digits and dashes an input method leaves behind read as ASCII.
  function tidy() {
    const value = field.value.normalize("NFKC").trim();
    if (value !== field.value) field.value = value;
  }

  let last = { value: "", at: 0 };
  function submit() {
    tidy();
    if (!field.value) return;
    const now = Date.now();
    // The composition's commit and the scanner's own Enter: one lookup.
    if (field.value === last.value && now - last.at < 800) return;
    last = { value: field.value, at: now };
    form.requestSubmit();
  }

  field.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    if (event.isComposing) {
      submitAfterComposition = true; // this Enter commits the composition: submit after it
      return;
    }
    event.preventDefault();
    submit();
  });
  // A pinyin input method commits a scanner's keystrokes as the letters themselves (Enter);
  // a commit of Chinese characters is somebody typing, not a code.
  const CODE_LIKE = /^[A-Za-z0-9:_.=+/-]{8,}$/;
  field.addEventListener("compositionend", (event) => {
    const committed = (event.data || "").normalize("NFKC").replace(/\s/g, "");
    if (!submitAfterComposition && !CODE_LIKE.test(committed)) return;
    submitAfterComposition = false;
    setTimeout(submit, 0); // after the committed text is in the field
  });
  form.addEventListener("submit", tidy);

  // What the cashier does next: the amount of a found coupon or card, or the next code.
  function focusNext() {
    const amount = result.querySelector(
      "#scanned form input:not([type=hidden]):not([type=password])"
    );
    if (result.querySelector("#counter-done")) {
      field.value = ""; // done: the field is the next customer's
      field.focus();
    } else if (amount) {
      amount.focus();
      amount.select();
    } else {
      field.focus();
      field.select(); // a refusal: the next scan replaces the code
    }
    result.scrollIntoView({ block: "nearest" });
  }
  // A top-up by payment code (付款码): the code's field shows once "扫付款码" is picked and
  // takes the focus, so the scanner types the customer's code and its Enter submits.
  function paymentCodeShown(form, focus) {
    const picked = form.querySelector('input[name="method"]:checked');
    const wrap = form.querySelector(".field-auth_code");
    if (!wrap) return;
    wrap.hidden = !picked || picked.value !== "code";
    if (!wrap.hidden && focus) wrap.querySelector("input").focus();
  }
  result.addEventListener("change", (event) => {
    if (event.target.name === "method") paymentCodeShown(event.target.form, true);
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (!(result.contains(event.detail.elt) || event.detail.elt === result)) return;
    const topUp = result.querySelector("#card-top-up-form");
    if (topUp) paymentCodeShown(topUp, false);
    const waiting = result.querySelector('#counter-payment[data-status="pending"]');
    // While the customer confirms, the page asks again (htmx): the focus stays where it is
    // until the answer is final.
    if (waiting && event.detail.target !== result) return;
    focusNext();
  });
  // A tap on the page's background gives the focus back to the scanner's field.
  document.addEventListener("click", (event) => {
    if (event.target.closest("input, select, textarea, button, a, label, summary, video")) return;
    field.focus();
  });

  startButton.addEventListener("click", startCamera);
  stopButton.addEventListener("click", stopCamera);
  photo.addEventListener("change", readPhoto);
})();
