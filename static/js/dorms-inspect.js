// The dorm inspection form: each item is kept on the server as it is filled in; when the
// network is down the item waits in this browser (localStorage) and is sent when it is back.
// Photos are made smaller in the browser (a canvas, JPEG) before they are sent; the server
// checks and re-encodes them again. No inline script: the CSP forbids it.
(function () {
  "use strict";
  var MAX_SIDE = 1600;
  var form = document.getElementById("inspect-form");
  if (!form) {
    return;
  }
  var url = form.dataset.itemUrl;
  var storageKey = form.dataset.draftKey;
  var statusBox = document.getElementById("draft-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function say(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "alert py-2 small alert-" + (kind || "info");
  }

  function pending() {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey) || "{}");
    } catch (error) {
      return {};
    }
  }

  function keep(items) {
    if (Object.keys(items).length) {
      window.localStorage.setItem(storageKey, JSON.stringify(items));
    } else {
      window.localStorage.removeItem(storageKey);
    }
  }

  function itemState(fieldset, photo) {
    var id = fieldset.dataset.answer;
    var checked = fieldset.querySelector("input[type=radio]:checked");
    var state = {
      value: checked ? checked.value : "",
      note: fieldset.querySelector("input[name='note-" + id + "']").value,
    };
    var earlier = pending()[id];
    if (photo) {
      state.photo = photo;
    } else if (earlier && earlier.photo) {
      state.photo = earlier.photo;
    }
    return state;
  }

  function blobOf(dataUrl) {
    var parts = dataUrl.split(",");
    var bytes = window.atob(parts[1]);
    var array = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i += 1) {
      array[i] = bytes.charCodeAt(i);
    }
    return new Blob([array], { type: "image/jpeg" });
  }

  function send(id, state) {
    var data = new FormData();
    data.append("answer", id);
    data.append("value", state.value);
    data.append("note", state.note);
    if (state.photo) {
      data.append("photo", blobOf(state.photo), "photo.jpg");
    }
    return fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var refused = new Error(body.error || response.status);
          refused.refused = true;
          throw refused;
        }
        return body;
      });
    });
  }

  function save(fieldset, photo) {
    var id = fieldset.dataset.answer;
    var state = itemState(fieldset, photo);
    var items = pending();
    items[id] = state;
    keep(items); // kept here first: nothing is lost if the page closes
    return send(id, state)
      .then(function () {
        var left = pending();
        delete left[id];
        keep(left);
        say(form.dataset.saved, "success");
      })
      .catch(function (error) {
        if (error.refused) {
          var left = pending();
          delete left[id];
          keep(left);
          say(form.dataset.failed + " " + error.message, "danger");
        } else {
          say(form.dataset.offline, "warning");
        }
      });
  }

  function flush() {
    var items = pending();
    var ids = Object.keys(items);
    if (!ids.length) {
      return Promise.resolve(true);
    }
    return Promise.all(
      ids.map(function (id) {
        return send(id, items[id]).then(
          function () {
            var left = pending();
            delete left[id];
            keep(left);
            return true;
          },
          function (error) {
            if (error.refused) {
              var left = pending();
              delete left[id];
              keep(left);
              return true;
            }
            return false;
          }
        );
      })
    ).then(function (results) {
      var all = results.every(Boolean);
      if (all) {
        say(form.dataset.sent, "success");
      }
      return all;
    });
  }

  function compress(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onerror = reject;
      reader.onload = function () {
        var image = new Image();
        image.onerror = reject;
        image.onload = function () {
          var scale = Math.min(1, MAX_SIDE / Math.max(image.width, image.height));
          var canvas = document.createElement("canvas");
          canvas.width = Math.round(image.width * scale);
          canvas.height = Math.round(image.height * scale);
          canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
          resolve(canvas.toDataURL("image/jpeg", 0.8));
        };
        image.src = reader.result;
      };
      reader.readAsDataURL(file);
    });
  }

  // Put back what this browser kept and has not sent yet.
  var kept = pending();
  Object.keys(kept).forEach(function (id) {
    var fieldset = form.querySelector(".dorm-item[data-answer='" + id + "']");
    if (!fieldset) {
      return;
    }
    var radio = fieldset.querySelector("input[type=radio][value='" + kept[id].value + "']");
    if (radio) {
      radio.checked = true;
    }
    fieldset.querySelector("input[name='note-" + id + "']").value = kept[id].note || "";
  });

  form.querySelectorAll(".dorm-item").forEach(function (fieldset) {
    fieldset.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "file") {
        var file = target.files && target.files[0];
        if (!file) {
          return;
        }
        compress(file)
          .then(function (dataUrl) {
            target.value = ""; // sent compressed; not again with the form
            return save(fieldset, dataUrl);
          })
          .catch(function () {
            // Not an image the browser can read: the form sends the file; the server says why.
          });
        return;
      }
      save(fieldset);
    });
  });

  form.addEventListener("submit", function (event) {
    if (!Object.keys(pending()).length) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    if (!navigator.onLine) {
      say(form.dataset.offline, "warning");
      return;
    }
    flush().then(function (all) {
      if (all) {
        form.requestSubmit(submitter);
      } else {
        say(form.dataset.offline, "warning");
      }
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(function () {
    if (navigator.onLine && Object.keys(pending()).length) {
      flush();
    }
  }, 5000);
  if (navigator.onLine) {
    flush();
  }
})();
