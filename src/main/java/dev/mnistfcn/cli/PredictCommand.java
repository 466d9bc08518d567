package dev.mnistfcn.cli;

import dev.mnistfcn.Folders;
import dev.mnistfcn.UserError;
import dev.mnistfcn.config.HomeFolder;
import dev.mnistfcn.digits.DigitImages;
import dev.mnistfcn.digits.MnistRecipe;
import dev.mnistfcn.predict.DigitClassifier;
import dev.mnistfcn.predict.PictureFiles;
import dev.mnistfcn.predict.PictureFiles.Picture;
import dev.mnistfcn.predict.Prediction;
import dev.mnistfcn.storage.AtomicFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict the digit in each picture (PNG, JPEG, BMP, GIF) after MNIST's preprocessing; one row "
                + "per file. Exit code 1 when any file failed or could not be saved. Also: mvn -q exec:java "
                + "-Dpredict=PATH[,PATH…] [-Dmodel=ZIP].")
public final class PredictCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Picture files, or folders searched recursively for "
            + "*.png *.jpg *.jpeg *.bmp *.gif (default: -Dpredict=PATH[,PATH…]).")
    List<Path> paths;

    @Mixin
    ClassifierOptions classifier = new ClassifierOptions();

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--csv", description = "CSV: the header file,digit,confidence,error and one row per file.")
        boolean csv;

        @Option(names = "--json", description = "One JSON object per file, one per line.")
        boolean json;
    }

    @Option(names = "--save-preprocessed", paramLabel = "DIR", description = "Also save the 28×28 picture the model "
            + "saw for each file, as DIR/<name>.png.")
    Path saveDir;

    @Spec
    CommandSpec spec;

    /** The real paths of the pictures being predicted: a saved form is never written over one. */
    private final Set<Path> realPictures = new HashSet<>();

    @Override
    public Integer call() {
        Folders.refuseNonFolder(saveDir, "--save-preprocessed");
        List<Path> inputs = inputs(); // once: -Dpredict is read and parsed here
        List<Picture> pictures = PictureFiles.expand(inputs);
        if (pictures.isEmpty()) {
            throw new UserError("No pictures found in " + inputs + ": a folder is searched for files ending in "
                    + PictureFiles.EXTENSIONS.stream().sorted().map(e -> "." + e).toList() + ".");
        }
        refuseSavingAmongThePictures(inputs, pictures);
        DigitClassifier classifier = this.classifier.load();
        PrintWriter out = spec.commandLine().getOut();
        List<String> names = pictures.stream().map(p -> p.file().toString()).toList();
        PredictionRows rows = format.csv ? PredictionRows.csv(out, saveDir != null) : format.json ? PredictionRows.json(out)
                : PredictionRows.text(out, classifier.info(), names);
        Set<Path> saved = new HashSet<>();
        int failed = 0, unsaved = 0;
        for (Picture picture : pictures) {
            String name = picture.file().toString();
            Prediction p;
            try {
                p = classifier.classify(picture.file());
            } catch (UserError e) { // this file only: the others are still predicted
                failed++;
                rows.row(name, null, withoutSource(e.getMessage(), name), null);
                continue;
            }
            String notSaved = null;
            if (saveDir != null) {
                try {
                    save(p, picture, saved);
                } catch (UserError e) { // this file's row says so beside its digit; the others are still saved
                    unsaved++;
                    notSaved = e.getMessage();
                }
            }
            rows.row(name, p, null, notSaved);
        }
        out.flush();
        if (failed > 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "%d of %d files could not be predicted (see their rows).%n", failed,
                    pictures.size());
        }
        if (unsaved > 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "%d of %d files were predicted but their 28×28 form could not "
                    + "be saved (see their rows).%n", unsaved, pictures.size());
        }
        return failed + unsaved > 0 ? 1 : 0;
    }

    List<Path> inputs() {
        if (paths != null && !paths.isEmpty()) return paths;
        List<String> property = CliProperties.list("predict", null);
        if (property.isEmpty()) {
            throw new UserError("No pictures given: pass files or folders (predict PATH…), or -Dpredict=PATH[,PATH…] "
                    + "with mvn exec:java.");
        }
        return property.stream().map(HomeFolder::expanded).map(Path::of).toList();
    }


    /**
     * --save-preprocessed naming a folder being predicted (or one inside it, made yet or not), or one that holds a
     * picture being predicted: a 28×28 form would be written over the user's picture (a folder's PNGs all replaced;
     * D/a.png replaced by E/a.png's form, then predicted from it).
     */
    private void refuseSavingAmongThePictures(List<Path> inputs, List<Picture> pictures) {
        if (saveDir == null) return;
        try {
            Path target = real(saveDir);
            for (Path input : inputs) {
                if (Files.isDirectory(input) && target.startsWith(input.toRealPath())) {
                    throw new UserError("--save-preprocessed " + saveDir + " is inside " + input + ", whose pictures are "
                            + "being predicted: their 28×28 forms would be written over them. Give a folder of its own.");
                }
            }
            for (Picture picture : pictures) {
                Path realPicture;
                try {
                    realPicture = picture.file().toRealPath();
                } catch (IOException e) { // a missing or unreachable picture: its own row says so
                    continue;
                }
                realPictures.add(realPicture);
                if (realPicture.startsWith(target)) {
                    throw new UserError("--save-preprocessed " + saveDir + " holds " + picture.file() + ", a picture "
                            + "being predicted: a 28×28 form could be written over it. Give a folder of its own.");
                }
            }
        } catch (IOException e) {
            throw new UserError("Cannot read " + saveDir + " (--save-preprocessed): " + UserError.reason(e), e);
        }
    }

    /** {@code dir} with its links resolved as far as it exists (a folder not made yet is made inside that). */
    private static Path real(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        return existing == null ? absolute : existing.toRealPath().resolve(existing.relativize(absolute));
    }

    /** DIR/NAME.png (NAME.jpg → NAME.jpg.png, so that a.png and a.jpg do not collide; repeats get -2, -3…). */
    private void save(Prediction p, Picture picture, Set<Path> saved) {
        String file = picture.name().toString();
        String base = file.toLowerCase(java.util.Locale.ROOT).endsWith(".png") ? file.substring(0, file.length() - 4) : file;
        Path target = saveDir.resolve(base + ".png");
        for (int n = 2; !saved.add(target); n++) target = saveDir.resolve(base + "-" + n + ".png");
        byte[] png = DigitImages.png(MnistRecipe.toPicture(p.preprocessed()));
        try {
            folderInsideSaveDir(target.getParent());
            if (Files.exists(target) && (Files.isSameFile(target, picture.file()) // a hard link of the picture
                    || realPictures.contains(target.toRealPath()))) {
                throw new UserError("its 28×28 form would be saved over the picture itself (" + target + "); give "
                        + "--save-preprocessed a folder of its own");
            }
            AtomicFiles.writeAtomically(target, o -> o.write(png));
        } catch (IOException e) {
            throw new UserError("Cannot write " + target + " (--save-preprocessed " + saveDir + "): " + UserError.reason(e), e);
        }
    }

    /**
     * Makes {@code folder} (DIR or a subfolder of it) one step at a time, refusing a step whose real path leads out
     * of DIR's: a link DIR/sub → the user's pictures/sub had DIR/sub/a.png written over pictures/sub/a.png.
     */
    private void folderInsideSaveDir(Path folder) throws IOException {
        Files.createDirectories(saveDir); // DIR itself may be a link: the user named it, and it was checked up front
        Path root = saveDir.toRealPath();
        Path step = saveDir;
        for (Path part : saveDir.relativize(folder)) {
            if (part.toString().isEmpty()) continue; // folder is DIR itself
            step = step.resolve(part);
            if (!Files.exists(step, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(step);
            if (!step.toRealPath().startsWith(root)) {
                throw new UserError("its 28×28 form would be saved through " + step + ", which leads to "
                        + step.toRealPath() + " outside " + saveDir + "; --save-preprocessed writes only inside its "
                        + "own folder (remove the link, or give a folder of its own)");
            }
        }
    }

    /** The row already names the file: "a.png: not an image…" → "not an image…". */
    private static String withoutSource(String message, String source) {
        return message.startsWith(source + ": ") ? message.substring(source.length() + 2) : message;
    }
}
