"use strict";
// On an article's page, words selected in its text are copied into the passage to cite.
// Without this script the passage is pasted by hand; the server checks it either way.
{
    const text = document.querySelector(".highlighted-text");
    const passage = document.getElementById("cite-quote");
    const copySelection = function() {
        const selection = window.getSelection();
        if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
            return;
        }
        if (!text.contains(selection.getRangeAt(0).commonAncestorContainer)) {
            return;
        }
        // Footnote markers ([1]) are the page's, not the article's.
        const words = selection.toString().replace(/\[\d+\]/g, "").replace(/\s+/g, " ").trim();
        if (words) {
            passage.value = words;
            passage.classList.add("picked");
        }
    };
    if (text && passage) {
        text.addEventListener("mouseup", copySelection);
        text.addEventListener("keyup", copySelection);
        text.addEventListener("touchend", copySelection);
    }
}
