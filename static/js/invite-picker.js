// The pickers of the inviting page (and of the walk-in review): a <select data-picker> becomes a
// search-as-you-type list (tom-select) that asks the server a page at a time as the organizer
// types or scrolls; the page itself never holds the directory. Each option shows its detail
// (position and agency, or kind and member count) and each choice how many people it means.
(function () {
  "use strict";

  function withQuery(url, query) {
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query);
  }

  function picker(select) {
    // tom-select moves the label to its own input: the hidden select keeps the label's words.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.replace(/\s*\*\s*$/, "").trim());
    }
    var multiple = select.multiple;
    var data = select.dataset;
    var people = data.people || "";
    var plugins = ["virtual_scroll"];
    if (multiple) {
      plugins.push("remove_button");
    }
    return new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      plugins: plugins,
      maxOptions: null,
      preload: "focus",
      loadThrottle: 250,
      hideSelected: true,
      closeAfterSelect: !multiple,
      placeholder: data.placeholder || "",
      // The server already searched name, position and agency: show what it answered.
      score: function () {
        return function () {
          return 1;
        };
      },
      firstUrl: function (query) {
        return withQuery(data.searchUrl, query);
      },
      load: function (query, callback) {
        var self = this;
        fetch(self.getUrl(query), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then(function (response) {
            return response.json();
          })
          .then(function (json) {
            if (json.next) {
              self.setNextUrl(query, json.next);
            }
            callback(json.results);
          })
          .catch(function () {
            callback();
          });
      },
      render: {
        option: function (item, escape) {
          return (
            '<div class="picker-option"><div>' +
            escape(item.text) +
            "</div>" +
            (item.detail ? '<div class="small text-body-secondary">' + escape(item.detail) + "</div>" : "") +
            "</div>"
          );
        },
        item: function (item, escape) {
          var count =
            multiple && item.people > 1
              ? ' <span class="badge text-bg-secondary">' + escape(String(item.people)) + " " + escape(people) + "</span>"
              : "";
          return "<div>" + escape(item.text) + count + "</div>";
        },
        no_results: function () {
          return '<div class="no-results">' + escape(data.noResults || "") + "</div>";
        },
        loading_more: function () {
          return '<div class="loading-more-results">' + escape(data.more || "") + "</div>";
        },
        no_more_results: function () {
          return "";
        },
      },
    });
  }

  function escape(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function start(root) {
    root.querySelectorAll("select[data-picker]").forEach(function (select) {
      if (!select.tomselect) {
        picker(select);
      }
    });
  }

  // "Invite and send" asks first: the organizer sees how many people will get the email.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.inviteConfirm && !window.confirm(form.dataset.inviteConfirm)) {
      event.preventDefault();
    }
  });

  start(document);
})();
