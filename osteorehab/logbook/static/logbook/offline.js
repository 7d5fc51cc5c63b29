/* Answers kept on the phone while there is no connection.

   A form marked data-offline is sent with fetch. If the connection fails, a "keep" form's
   answers (with the client_key the server put in the form, so that the server stores them once
   however often they arrive) are kept in localStorage, and sent again when the browser is back
   online, or from the next page that loads this script; a "retry" form (one screen of several)
   only says to try again. The form's data-kept attribute says what happened, in the page's
   language; this script's data-* attributes hold its other messages. Without this script the
   forms post as usual. */
(function () {
  "use strict";
  if (window.osteorehabOutbox) {
    return;
  }
  window.osteorehabOutbox = true;
  var KEY = "osteorehab.outbox";
  var RETRY_MS = 30000;
  var script = document.currentScript;
  var texts = {
    sent: script ? script.getAttribute("data-sent") : "",
    waiting: script ? script.getAttribute("data-waiting") : "",
    login: script ? script.getAttribute("data-login") : "",
    refused: script ? script.getAttribute("data-refused") : ""
  };
  var sending = false;
  var keptHere = {};  // the entries kept from this page, by id: sent, their result page opens

  function load() {
    try {
      var list = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function store(list) {
    if (list.length) {
      window.localStorage.setItem(KEY, JSON.stringify(list));
    } else {
      window.localStorage.removeItem(KEY);
    }
  }

  function notice(text, sent) {
    var main = document.getElementById("main");
    if (!main || !text) {
      return;
    }
    var box = document.getElementById("outbox");
    if (!box) {
      box = document.createElement("p");
      box.id = "outbox";
      box.setAttribute("role", "status");
      main.insertBefore(box, main.firstChild);
    }
    box.className = "outbox" + (sent ? " sent" : "");
    box.textContent = text;
  }

  function fieldsOf(form, submitter) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") {
        pairs.push([name, value]);
      }
    });
    if (submitter && submitter.name) {
      pairs.push([submitter.name, submitter.value]);
    }
    return pairs;
  }

  function idOf(action, pairs) {
    var key = pairs.filter(function (pair) { return pair[0] === "client_key"; })[0];
    return action + "|" + (key ? key[1] : String(Date.now()));
  }

  function bodyOf(pairs) {
    // A token of this page: the one the answers were kept with may have changed at a new login.
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    var params = new URLSearchParams();
    pairs.forEach(function (pair) {
      var current = pair[0] === "csrfmiddlewaretoken" && input ? input.value : pair[1];
      params.append(pair[0], current);
    });
    return params;
  }

  function post(action, pairs) {
    return window.fetch(action, {
      method: "POST",
      body: bodyOf(pairs),
      credentials: "same-origin",
      headers: {"Accept": "text/html"}
    });
  }

  function toLogin(response) {
    return response.redirected && /\/login\/$/.test(new URL(response.url).pathname);
  }

  function keep(entry) {
    var list = load().filter(function (other) { return other.id !== entry.id; });
    list.push(entry);
    store(list);
    keptHere[entry.id] = true;
  }

  function forget(id) {
    store(load().filter(function (other) { return other.id !== id; }));
  }

  // A page that is not a move elsewhere (a form with its errors, the next question): its main
  // part replaces this one's.
  function swap(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var fresh = page.getElementById("main");
    var main = document.getElementById("main");
    if (!fresh || !main) {
      window.location.reload();
      return;
    }
    main.replaceWith(document.importNode(fresh, true));
    document.title = page.title;
    var heading = document.querySelector("#main h1");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    window.scrollTo(0, 0);
  }

  function flush() {
    if (sending || !navigator.onLine) {
      return;
    }
    var list = load();
    if (!list.length) {
      return;
    }
    sending = true;
    var entry = list[0];
    post(entry.action, entry.fields).then(function (response) {
      sending = false;
      if (toLogin(response)) {
        notice(texts.login, false);
        return;
      }
      forget(entry.id);
      if (!response.ok) {
        notice(texts.refused, false);
      } else if (keptHere[entry.id] && response.redirected) {
        window.location.assign(response.url);
        return;
      } else {
        notice(texts.sent, true);
      }
      flush();
    }).catch(function () {
      sending = false;  // still no connection: kept for the next try
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var mode = form instanceof HTMLFormElement ? form.getAttribute("data-offline") : null;
    if (!mode || form.method.toLowerCase() !== "post") {
      return;
    }
    event.preventDefault();
    if (form.getAttribute("data-sending")) {
      return;  // a second tap while the first is on its way
    }
    form.setAttribute("data-sending", "1");
    var action = form.action;
    var pairs = fieldsOf(form, event.submitter);
    post(action, pairs).then(function (response) {
      if (toLogin(response) && mode === "keep") {
        keep({id: idOf(action, pairs), action: action, fields: pairs, keptAt: Date.now()});
      }
      if (response.redirected) {
        window.location.assign(response.url);
        return null;
      }
      return response.text().then(swap);
    }).catch(function () {
      form.removeAttribute("data-sending");
      if (mode === "keep") {
        keep({id: idOf(action, pairs), action: action, fields: pairs, keptAt: Date.now()});
      }
      notice(form.getAttribute("data-kept"), false);
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);
  if (load().length) {
    if (navigator.onLine) {
      flush();
    } else {
      notice(texts.waiting, false);
    }
  }
})();
