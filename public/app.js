// Vitrina's only browser script: progressive enhancement of server-rendered pages.
// Every form still works without it; the server remains the authority on every check.
'use strict';

(function () {
  // Messages arrive already translated in data-msg-* attributes; fill {placeholders}.
  function fmt(template, params) {
    return String(template || '').replace(/\{(\w+)\}/g, function (whole, name) {
      return name in params ? String(params[name]) : whole;
    });
  }

  // Delete buttons and other destructive forms ask first.
  document.addEventListener(
    'submit',
    function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true,
  );

  function enhanceUploadForm(form) {
    var input = form.querySelector('input[type="file"]');
    if (!input) return;
    var zone = form.querySelector('[data-dropzone]');
    var preview = form.querySelector('[data-preview]');
    var progress = form.querySelector('[data-progress]');
    var status = form.querySelector('[data-upload-status]');
    var fileError = form.querySelector('[data-file-error]');
    var submit = form.querySelector('[type="submit"]');
    var maxBytes = Number(input.dataset.maxBytes) || Infinity;
    var allowed = (input.dataset.allowedTypes || '').split(',').filter(Boolean);
    var previewUrl = null;
    // The check of the chosen file's first bytes (sniffFile): a submit waits for it.
    var checking = null;
    var pending = form.querySelector('[data-pending]');
    var discard = form.querySelector('[data-pending-remove]');
    form.classList.add('js-upload');

    function setStatus(text) {
      if (status) status.textContent = text;
    }

    function showError(text) {
      if (!fileError) return;
      fileError.textContent = text;
      fileError.hidden = !text;
      if (text) {
        fileError.setAttribute('role', 'alert');
        input.setAttribute('aria-invalid', 'true');
      } else {
        fileError.removeAttribute('role');
        input.removeAttribute('aria-invalid');
      }
      var ids = (input.getAttribute('aria-describedby') || '').split(' ').filter(function (id) {
        return id && id !== fileError.id;
      });
      if (text && fileError.id) ids.push(fileError.id);
      input.setAttribute('aria-describedby', ids.join(' '));
    }

    // Same rules and texts as the server; the browser's type comes from the extension,
    // so an empty type is left for the server (which reads the bytes) to judge.
    function problemWith(file) {
      if (file.size > maxBytes) return form.dataset.msgTooLarge;
      // An iPhone photo by its name: say what to do (its bytes say so too, problemWithBytes).
      if (/\.hei[cf]$/i.test(file.name)) return form.dataset.msgHeic || fmt(form.dataset.msgType, { type: file.type });
      return typeProblem(file.type);
    }

    // The message for a type ('' when allowed or unknown): an iPhone photo is told what to do rather than only "not allowed".
    function typeProblem(type) {
      if (isHeic(type)) return form.dataset.msgHeic || fmt(form.dataset.msgType, { type: type });
      if (type && allowed.length && allowed.indexOf(type) === -1) return fmt(form.dataset.msgType, { type: type });
      return '';
    }

    function clearPreview() {
      if (previewUrl) URL.revokeObjectURL(previewUrl);
      previewUrl = null;
      if (preview) {
        preview.hidden = true;
        preview.removeAttribute('src');
      }
    }

    // What the file's first bytes say it is, as the server would say it: the file's own
    // name and the browser's guess from it do not count (a PDF renamed .jpg is a PDF).
    function problemWithBytes(bytes) {
      return typeProblem(sniffImageBytes(bytes));
    }

    function refuse(problem) {
      checking = null;
      showError(problem);
      input.value = ''; // never send a file we already know the server will refuse
      showPending(true);
    }

    // A new file always wins over the photo kept from the last submit; without one, it is back.
    function showPending(shown) {
      if (pending) pending.classList.toggle('is-replaced', !shown);
    }

    function onFileChosen() {
      var file = input.files && input.files[0];
      clearPreview();
      showError('');
      setStatus('');
      checking = null;
      if (!file) {
        showPending(true);
        return;
      }
      var problem = problemWith(file);
      if (problem) {
        refuse(problem);
        return;
      }
      showPending(false);
      var check = (checking = firstBytes(file, 32).then(
        function (bytes) {
          if (check !== checking) return false; // another file was chosen meanwhile
          var byBytes = problemWithBytes(bytes);
          if (byBytes) {
            refuse(byBytes);
            return false;
          }
          setStatus(fmt(form.dataset.msgChosen, { name: file.name }));
          if (preview && /^image\//.test(file.type)) {
            previewUrl = URL.createObjectURL(file);
            preview.src = previewUrl;
            preview.hidden = false;
          }
          return true;
        },
        function () {
          return true; // unreadable here: the server reads it and says
        },
      ));
    }

    if (discard && pending) {
      discard.addEventListener('change', function () {
        pending.classList.toggle('is-removed', discard.checked);
      });
    }

    input.addEventListener('change', onFileChosen);

    if (zone && window.DataTransfer) {
      zone.addEventListener('dragover', function (event) {
        event.preventDefault(); // required for the drop event to fire
        if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
        zone.classList.add('is-dragover');
      });
      zone.addEventListener('dragleave', function (event) {
        if (!zone.contains(event.relatedTarget)) zone.classList.remove('is-dragover');
      });
      zone.addEventListener('drop', function (event) {
        event.preventDefault();
        zone.classList.remove('is-dragover');
        var file = event.dataTransfer && event.dataTransfer.files[0];
        if (!file) return;
        // Put exactly one file into the real input, so a plain submit would send it too.
        var transfer = new DataTransfer();
        transfer.items.add(file);
        input.files = transfer.files;
        onFileChosen();
      });
    }

    if (!window.XMLHttpRequest || !window.FormData) return;

    form.addEventListener('submit', function (event) {
      if (event.defaultPrevented) return;
      var file = input.files && input.files[0];
      var problem = file ? problemWith(file) : '';
      if (problem) {
        event.preventDefault();
        showError(problem);
        return;
      }
      event.preventDefault();
      // The first-bytes check takes a moment; a file it refuses is never sent.
      (checking || Promise.resolve(true)).then(function (ok) {
        if (ok) send();
      });
    });

    function send() {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      // The error handler answers HTML only to clients that ask for it.
      xhr.setRequestHeader('Accept', 'text/html');
      // Kept on the GET of the redirect the XHR follows: the server leaves the one-time flash
      // ("Product created") for the real load below (src/http/request-state.ts).
      xhr.setRequestHeader('X-Vitrina-Enhanced', '1');
      if (submit) submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      if (progress) {
        progress.hidden = false;
        progress.value = 0;
      }
      setStatus(fmt(form.dataset.msgUploading, { percent: 0 }));

      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) return;
        var percent = Math.round((event.loaded / event.total) * 100);
        if (progress) progress.value = percent;
        setStatus(percent < 100 ? fmt(form.dataset.msgUploading, { percent: percent }) : form.dataset.msgProcessing);
      };
      xhr.upload.onload = function () {
        if (progress) progress.value = 100;
        setStatus(form.dataset.msgProcessing);
      };
      xhr.onload = function () {
        // A redirect (302, followed by the XHR) means success: go there for real, so history
        // holds the form and then the page it led to, as after a plain post (Back shows the
        // form under its own address). The server kept the flash for this load.
        if (xhr.responseURL && stripHash(xhr.responseURL) !== stripHash(form.action)) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // Otherwise the server answered with a page at the form's own address (the form with
        // its errors, or an error page): show it as a plain form post would have; the new
        // page's script moves focus to its error summary.
        document.open();
        document.write(xhr.responseText);
        document.close();
      };
      xhr.onerror = xhr.onabort = function () {
        if (submit) submit.disabled = false;
        form.removeAttribute('aria-busy');
        if (progress) progress.hidden = true;
        setStatus(form.dataset.msgFailed);
      };
      xhr.send(new FormData(form));
    }
  }

  // The first `count` bytes of a file (Blob.slice, so a large photo is not read whole).
  function firstBytes(file, count) {
    var part = file.slice(0, count);
    if (part.arrayBuffer) {
      return part.arrayBuffer().then(function (buffer) {
        return new Uint8Array(buffer);
      });
    }
    return new Promise(function (resolve, reject) {
      var reader = new window.FileReader();
      reader.onload = function () {
        resolve(new Uint8Array(reader.result));
      };
      reader.onerror = reject;
      reader.readAsArrayBuffer(part);
    });
  }

  function ascii(bytes, start, end) {
    var text = '';
    for (var i = start; i < end && i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }

  // The magic numbers the server's sniff knows (src/media/sniff.ts, through file-type), with
  // the same MIME names; '' when the bytes are none of these (the server then decides).
  var FTYP_BRANDS = {
    avif: 'image/avif',
    avis: 'image/avif',
    heic: 'image/heic',
    heix: 'image/heic',
    heim: 'image/heic',
    heis: 'image/heic',
    hevc: 'image/heic-sequence',
    hevx: 'image/heic-sequence',
    mif1: 'image/heif',
    msf1: 'image/heif-sequence',
  };
  function sniffImageBytes(b) {
    if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
    if (ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png';
    if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'image/gif';
    if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'image/webp';
    if (ascii(b, 4, 8) === 'ftyp') return FTYP_BRANDS[ascii(b, 8, 12)] || '';
    if (ascii(b, 0, 5) === '%PDF-') return 'application/pdf';
    if (ascii(b, 0, 4) === 'PK\x03\x04') return 'application/zip';
    if (ascii(b, 0, 4) === 'II*\x00' || ascii(b, 0, 4) === 'MM\x00*') return 'image/tiff';
    if (ascii(b, 0, 2) === 'BM') return 'image/bmp';
    return '';
  }

  function isHeic(type) {
    return /^image\/hei[cf](?:-sequence)?$/.test(type);
  }

  function stripHash(url) {
    return String(url).split('#')[0];
  }

  // Back to a form left by a successful send: the browser may restore it from its cache as it
  // was left (button disabled, "processing…"); make it usable again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    document.querySelectorAll('form[data-upload-form]').forEach(function (form) {
      form.removeAttribute('aria-busy');
      var submit = form.querySelector('[type="submit"]');
      if (submit) submit.disabled = false;
      var progress = form.querySelector('[data-progress]');
      if (progress) progress.hidden = true;
      var status = form.querySelector('[data-upload-status]');
      if (status) status.textContent = '';
    });
  });

  // A refused form: focus (and scroll to) the error summary at its top, so the problems are
  // read first; its links move focus to their field (GOV.UK's error summary).
  function focusErrorSummary() {
    var summary = document.querySelector('[data-error-summary]');
    if (!summary) return;
    summary.addEventListener('click', function (event) {
      var link = event.target && event.target.closest ? event.target.closest('a[href^="#"]') : null;
      var field = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      var label = document.querySelector('label[for="' + field.id + '"]');
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
    summary.focus();
    summary.scrollIntoView({ block: 'start' });
  }
  focusErrorSummary();

  // Says politely what changed without moving focus (the layout's live region).
  function announce(text) {
    var region = document.querySelector('[data-live]');
    if (!region || !text) return;
    region.textContent = '';
    setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  // Images are processed after the upload is answered: while a placeholder says
  // "Processing…", fetch the page again now and then and swap in the finished image.
  function refreshProcessing(attempt) {
    if (attempt > 40 || !window.fetch || !window.DOMParser) return;
    if (!document.querySelector('[data-image-slot] [data-image-status="processing"]')) return;
    setTimeout(
      function () {
        fetch(window.location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' })
          .then(function (response) {
            return response.ok ? response.text() : Promise.reject(response.status);
          })
          .then(function (text) {
            var fresh = new DOMParser().parseFromString(text, 'text/html');
            document.querySelectorAll('[data-image-slot]').forEach(function (slot) {
              if (!slot.querySelector('[data-image-status="processing"]')) return;
              var next = fresh.querySelector('[data-image-slot="' + slot.getAttribute('data-image-slot') + '"]');
              if (!next) return;
              slot.innerHTML = next.innerHTML;
              if (slot.querySelector('img') && !slot.querySelector('[data-image-status="processing"]')) {
                var region = document.querySelector('[data-live]');
                announce(region && region.getAttribute('data-msg-image-ready'));
              }
            });
            refreshProcessing(attempt + 1);
          })
          .catch(function () {
            refreshProcessing(attempt + 1);
          });
      },
      Math.min(500 + attempt * 250, 5000),
    );
  }
  refreshProcessing(0);

  document.querySelectorAll('form[data-upload-form]').forEach(enhanceUploadForm);
})();
