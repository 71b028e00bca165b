// Progressive enhancement only: choosing a level of the classification shows the next one.
document.querySelectorAll("#clasificacion select").forEach(function (select) {
  select.addEventListener("change", function () {
    var form = select.form, seen = false;
    form.querySelectorAll("select").forEach(function (other) {
      if (seen) { other.value = ""; }
      if (other === select) { seen = true; }
    });
    form.submit();
  });
});
