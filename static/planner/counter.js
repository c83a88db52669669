// Live character counts under text boxes marked data-counter="ID of the count".
document.querySelectorAll("[data-counter]").forEach(function (box) {
  var counter = document.getElementById(box.dataset.counter);
  var update = function () { counter.textContent = box.value.length; };
  box.addEventListener("input", update);
  update();
});
