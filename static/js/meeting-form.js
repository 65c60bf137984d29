// The meeting editor: an agenda item's session list offers the session rows that have a title,
// as they are typed (the server offers the same rows when it draws the page).
(function () {
  "use strict";
  var form = document.querySelector("form[data-meeting-form]");
  if (!form) return;
  var TITLE = 'input[name^="sessions-"][name$="-title"]';

  function refresh() {
    var titles = Array.prototype.map.call(form.querySelectorAll(TITLE), function (input) {
      return input.value.trim();
    });
    form.querySelectorAll('select[name^="agenda-"][name$="-session"]').forEach(function (select) {
      var chosen = select.value;
      Array.prototype.slice.call(select.options).forEach(function (option) {
        if (option.value !== "") option.remove();
      });
      titles.forEach(function (title, index) {
        if (!title) return;
        var number = String(index + 1);
        select.add(new Option(number + " · " + title, number, false, number === chosen));
      });
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches(TITLE)) refresh();
  });
})();
