"use strict";
// On an article's page, words selected in its text are copied into the passage to cite.
// Without this script the passage is pasted by hand; the server checks it either way.
{
    const start = function() {
        const text = document.querySelector(".highlighted-text");
        const passage = document.getElementById("cite-quote");
        if (!text || !passage) {
            return;
        }
        const copySelection = function() {
            const selection = window.getSelection();
            if (!selection || selection.isCollapsed || selection.rangeCount === 0) {
                return;
            }
            const range = selection.getRangeAt(0);
            if (!text.contains(range.startContainer)) {
                return;
            }
            if (!text.contains(range.endContainer)) {
                // A paragraph selected with a triple click ends past the text: keep the text's part.
                const clipped = range.cloneRange();
                clipped.setEnd(text, text.childNodes.length);
                selection.removeAllRanges();
                selection.addRange(clipped);
            }
            // Footnote markers ([1]) are the page's, not the article's.
            const words = selection.toString().replace(/\[\d+\]/g, "").replace(/\s+/g, " ").trim();
            if (words) {
                passage.value = words;
                passage.classList.add("picked");
            }
        };
        text.addEventListener("mouseup", copySelection);
        text.addEventListener("keyup", copySelection);
        text.addEventListener("touchend", copySelection);
    };
    // Loaded in the page's head, before the text it works on.
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}
