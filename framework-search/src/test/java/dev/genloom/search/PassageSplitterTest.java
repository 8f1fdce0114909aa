package dev.genloom.search;

import dev.genloom.api.GenloomException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassageSplitterTest {

    @Test
    void paragraphsArePassagesWithTheirOffsets() {
        String text = "\n  First paragraph,\nstill the first.\n\n\nSecond one.\n \nThird.";
        List<Passage> p = new PassageSplitter(100).split(text);
        assertEquals(List.of("First paragraph, still the first.", "Second one.", "Third."),
                p.stream().map(Passage::text).toList());
        for (int i = 0; i < p.size(); i++) {
            assertEquals(i, p.get(i).position());
            assertTrue(text.startsWith(p.get(i).text().substring(0, 5), p.get(i).offset()), p.get(i).toString());
        }
        assertTrue(new PassageSplitter().split(" \n\n \t").isEmpty());
    }

    @Test
    void aLongParagraphBecomesWindowsOfWholeSentences() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            b.append("Sentence number ").append(i).append(" says something short. ");
        }
        List<Passage> p = new PassageSplitter(120).split(b.toString());
        assertTrue(p.size() > 5, "" + p.size());
        int sentences = 0;
        for (Passage x : p) {
            assertTrue(x.text().length() <= 120, x.text());
            assertTrue(x.text().startsWith("Sentence number ") && x.text().endsWith("short."), x.text());
            sentences += x.text().split("short\\.").length;
            assertTrue(b.toString().startsWith("Sentence number", x.offset()));
        }
        assertEquals(30, sentences);
    }

    @Test
    void aSentenceLongerThanTheLimitIsCutAtSpaces() {
        String word = "lorem ";
        List<Passage> p = new PassageSplitter(50).split(word.repeat(40));
        assertTrue(p.size() >= 4);
        p.forEach(x -> assertTrue(x.text().length() <= 50 && !x.text().startsWith(" ") && x.text().startsWith("lorem"),
                x.text()));
        assertEquals(40, p.stream().mapToInt(x -> x.text().split(" ").length).sum());
        assertThrows(GenloomException.class, () -> new PassageSplitter(5));
    }
}
