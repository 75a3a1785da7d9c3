// dlcourse: the page's table of contents opens from the article header's button at every width.
// (The theme binds its drawer to the first ".secondary-toggle" of the page, the top bar's, which this theme hides;
// the visible button, in the article header, forwards its click there.)
document.addEventListener("DOMContentLoaded", () => {
  const visible = document.querySelector(".bd-header-article .secondary-toggle");
  const bound = document.querySelector(".secondary-toggle");
  if (visible && bound && visible !== bound) {
    visible.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      bound.click();
    });
  }
});
