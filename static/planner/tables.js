// Helpers shared by the pages (loaded before season.js).

// An element set up once: the first call marks it and returns it, later calls return null.
function once(element) {
  if (!element || element.dataset.ready) { return null; }
  element.dataset.ready = "1";
  return element;
}

// Sortable tables: click a heading to sort by that column (numbers as numbers).
function sortable(root) {
  root.querySelectorAll("table.sortable").forEach(function (table) {
    if (!once(table)) { return; }
    table.querySelectorAll("th").forEach(function (heading, column) {
      heading.tabIndex = 0;
      heading.setAttribute("role", "button");
      var ascending = true;
      function sort() {
        var body = table.tBodies[0];
        var value = function (row) {
          var text = row.cells[column].textContent.trim();
          var number = parseFloat(text.replace(/,/g, ""));
          return isNaN(number) ? text : number;
        };
        var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
          var x = value(a), y = value(b);
          return (x > y ? 1 : x < y ? -1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
        ascending = !ascending;
      }
      heading.addEventListener("click", sort);
      heading.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
    });
  });
}

document.addEventListener("DOMContentLoaded", function () { sortable(document); });
