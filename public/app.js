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
      if (allowed.length && file.type && allowed.indexOf(file.type) === -1) return fmt(form.dataset.msgType, { type: file.type });
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

    function onFileChosen() {
      var file = input.files && input.files[0];
      clearPreview();
      showError('');
      setStatus('');
      if (!file) return;
      var problem = problemWith(file);
      if (problem) {
        showError(problem);
        input.value = ''; // never send a file we already know the server will refuse
        return;
      }
      setStatus(fmt(form.dataset.msgChosen, { name: file.name }));
      if (preview && /^image\//.test(file.type)) {
        previewUrl = URL.createObjectURL(file);
        preview.src = previewUrl;
        preview.hidden = false;
      }
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
      send();
    });

    function send() {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.action);
      // The error handler answers HTML only to clients that ask for it.
      xhr.setRequestHeader('Accept', 'text/html');
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
        // A redirect (302, followed by the XHR) means success. The page it led to is already
        // here (with its one-time flash message): show it under its own address rather than
        // loading it a second time.
        if (xhr.responseURL && stripHash(xhr.responseURL) !== stripHash(form.action) && window.history && history.pushState) {
          history.pushState(null, '', xhr.responseURL);
        }
        // Otherwise the server answered with a page (the form with its errors, or an error
        // page): show it exactly as a plain form post would have.
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

  function stripHash(url) {
    return String(url).split('#')[0];
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
              if (next) slot.innerHTML = next.innerHTML;
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
